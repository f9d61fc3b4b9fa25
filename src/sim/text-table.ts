/**
 * Fixed-width text tables, like `juju status`: columns padded to their widest cell, two spaces
 * apart, the last column left ragged. Widths are measured before styling so that colour on a
 * terminal does not break the alignment.
 */
export interface Cell {
  readonly text: string;
  /** Applied after padding (colour); the width is that of `text`. */
  readonly style?: (text: string) => string;
}

export function renderTable(header: readonly string[], rows: readonly (readonly (Cell | string)[])[], headerStyle: (text: string) => string = (text) => text): string {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === "string" ? { text: cell } : cell)));
  const widths = header.map((title, column) => Math.max(title.length, ...cells.map((row) => row[column]?.text.length ?? 0)));
  const line = (row: readonly Cell[], isHeader: boolean) =>
    row
      .map((cell, column) => {
        const padded = column === row.length - 1 ? cell.text : cell.text.padEnd(widths[column]!);
        const styled = cell.style ? cell.style(padded) : padded;
        return isHeader ? headerStyle(styled) : styled;
      })
      .join("  ")
      .trimEnd();
  return [line(header.map((text) => ({ text })), true), ...cells.map((row) => line(row, false))].join("\n");
}
