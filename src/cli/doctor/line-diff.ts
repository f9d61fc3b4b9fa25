/**
 * A line diff for showing how a published config differs from the expected one. Configs are a few
 * hundred lines at most, so the plain longest-common-subsequence table is fast enough and gives
 * the minimal diff a reader expects.
 */
export type DiffLine = { readonly kind: "same" | "removed" | "added"; readonly text: string };

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // lengths[i][j] = LCS length of a[i..] and b[j..]
  const lengths: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    const row = lengths[i] as number[];
    const below = lengths[i + 1] as number[];
    for (let j = b.length - 1; j >= 0; j -= 1) {
      row[j] = a[i] === b[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push({ kind: "same", text: a[i] as string });
      i += 1;
      j += 1;
    } else if ((lengths[i + 1]?.[j] ?? 0) >= (lengths[i]?.[j + 1] ?? 0)) {
      lines.push({ kind: "removed", text: a[i] as string });
      i += 1;
    } else {
      lines.push({ kind: "added", text: b[j] as string });
      j += 1;
    }
  }
  for (; i < a.length; i += 1) lines.push({ kind: "removed", text: a[i] as string });
  for (; j < b.length; j += 1) lines.push({ kind: "added", text: b[j] as string });
  return lines;
}

/** Only the changed lines with `context` unchanged lines around each change; `…` marks a gap. */
export function changedHunks(lines: readonly DiffLine[], context = 2): Array<DiffLine | "gap"> {
  const keep = new Set<number>();
  lines.forEach((line, index) => {
    if (line.kind === "same") return;
    for (let k = Math.max(0, index - context); k <= Math.min(lines.length - 1, index + context); k += 1) keep.add(k);
  });
  const out: Array<DiffLine | "gap"> = [];
  let previous = -1;
  for (const index of [...keep].sort((x, y) => x - y)) {
    if (previous >= 0 && index > previous + 1) out.push("gap");
    out.push(lines[index] as DiffLine);
    previous = index;
  }
  return out;
}
