import { describe, expect, it } from "vitest";
import { extractTarEntry } from "../../scripts/node-runtime.js";

/** One 512-byte ustar header followed by the padded content. */
function tarEntry(name: string, content: Buffer, type = "0"): Buffer {
  const header = Buffer.alloc(512);
  header.write(name.slice(0, 100), 0, "utf8");
  header.write("0000755\0", 100);
  header.write(`${content.length.toString(8).padStart(11, "0")}\0`, 124);
  header.write(type, 156);
  header.write("ustar\u000000", 257);
  const padded = Buffer.alloc(Math.ceil(content.length / 512) * 512);
  content.copy(padded);
  return Buffer.concat([header, padded]);
}

function paxPath(path: string): Buffer {
  const body = (length: number) => `${length} path=${path}\n`;
  let length = body(0).length;
  while (body(length).length !== length) length = body(length).length;
  return tarEntry("PaxHeader", Buffer.from(body(length)), "x");
}

const END = Buffer.alloc(1024);

describe("extracting one file from the runtime tarball", () => {
  it("finds an entry by its path and returns its exact bytes", () => {
    const tar = Buffer.concat([
      tarEntry("package/README.md", Buffer.from("read me")),
      tarEntry("package/bin/node", Buffer.from("\x7fELF binary")),
      END,
    ]);
    expect(extractTarEntry(tar, "package/bin/node")?.toString()).toBe("\x7fELF binary");
  });

  it("follows a pax header that renames the next entry", () => {
    const tar = Buffer.concat([paxPath("package/bin/node"), tarEntry("truncated-name", Buffer.from("runtime")), END]);
    expect(extractTarEntry(tar, "package/bin/node")?.toString()).toBe("runtime");
  });

  it("returns undefined when the archive has no such file", () => {
    const tar = Buffer.concat([tarEntry("package/bin/npm", Buffer.from("x")), END]);
    expect(extractTarEntry(tar, "package/bin/node")).toBeUndefined();
  });
});
