// The Unix ar archive both .ipk and .deb files are: "!<arch>\n", then per member a 60-byte header
// (name, mtime, uid, gid, octal mode, size, "`\n") and the data, padded to an even length. Written
// here directly, deterministically (fixed time stamp, owner 0, mode 0644, members in the order
// given, names without the GNU "/" terminator, as dpkg-deb writes them).

import { PackageError } from "./errors.js";

const MAGIC = "!<arch>\n";

function field(value: string, width: number): string {
  if (value.length > width) throw new PackageError(`ar header field too long: ${value}`);
  return value.padEnd(width, " ");
}

/** An ar archive of `members` (names up to 15 characters), every time stamp `mtime`. */
export function buildAr(members: Array<{ name: string; data: Buffer }>, mtime: number): Buffer {
  const parts: Buffer[] = [Buffer.from(MAGIC, "latin1")];
  for (const m of members) {
    if (m.name.length > 15 || /[\s/]/.test(m.name))
      throw new PackageError(`Invalid ar member name ${m.name}`);
    const header =
      field(m.name, 16) +
      field(String(Math.max(0, Math.floor(mtime))), 12) +
      field("0", 6) +
      field("0", 6) +
      field("100644", 8) +
      field(String(m.data.length), 10) +
      "`\n";
    parts.push(Buffer.from(header, "latin1"), m.data);
    if (m.data.length % 2 === 1) parts.push(Buffer.from("\n", "latin1"));
  }
  return Buffer.concat(parts);
}

/** The members of an ar archive (GNU "name/" and BSD "#1/<len>" names understood). */
export function readAr(buf: Buffer, what: string): Array<{ name: string; data: Buffer }> {
  if (buf.subarray(0, 8).toString("latin1") !== MAGIC) throw new PackageError(`${what} is not an ar archive`);
  const out: Array<{ name: string; data: Buffer }> = [];
  let pos = 8;
  while (pos + 60 <= buf.length) {
    const header = buf.subarray(pos, pos + 60).toString("latin1");
    if (header.slice(58, 60) !== "`\n")
      throw new PackageError(`${what}: bad ar member header at offset ${pos}`);
    let name = header.slice(0, 16).trimEnd();
    const size = Number.parseInt(header.slice(48, 58).trim(), 10);
    if (!Number.isFinite(size) || size < 0 || pos + 60 + size > buf.length)
      throw new PackageError(`${what}: bad ar member size at offset ${pos}`);
    let data = buf.subarray(pos + 60, pos + 60 + size);
    const bsd = /^#1\/(\d+)$/.exec(name);
    if (bsd) {
      const n = Number(bsd[1]);
      name = data.subarray(0, n).toString("utf8").replace(/\0+$/, "");
      data = data.subarray(n);
    } else if (name.endsWith("/") && name !== "/" && name !== "//") {
      name = name.slice(0, -1);
    }
    out.push({ name, data });
    pos += 60 + size + (size % 2);
  }
  return out;
}
