// Writing .ipk and .deb files: an ar archive of "debian-binary" ("2.0\n"), control.tar.gz (control,
// conffiles, maintainer scripts; owned by root) and data.tar.gz (the package directory, with the
// owners and modes its fakeroot session records). Both tarballs are reproducible (see tar.ts) and
// compressed with `gzip -n`, so the same input gives byte-identical packages. The tarballs of all
// packages of one call are made in a single run under the fakeroot prefix.

import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { buildAr } from "./ar.js";
import { formatControl, type PackageControl, scriptText, versionInFileName } from "./control.js";
import { PackageError } from "./errors.js";
import { shellQuote as q, runScript } from "./run.js";
import { tarCreateArgs } from "./tar.js";

export type PackageFormat = "ipk" | "deb";

export interface PackageToWrite {
  /** The package's directory (PKGDEST/<name>). */
  root: string;
  control: PackageControl;
}

/** "<name>_<version without epoch>_<arch>.<ipk|deb>". */
export function packageFileName(control: PackageControl, format: PackageFormat): string {
  return `${control.name}_${versionInFileName(control.version)}_${control.architecture}.${format}`;
}

/** Installed-Size in KiB: the sizes of the files and symbolic links under `root`, rounded up. */
function installedSize(root: string): number {
  let bytes = 0;
  const walk = (dir: string): void => {
    for (const d of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, d.name);
      if (d.isDirectory()) walk(p);
      else bytes += lstatSync(p).size;
    }
  };
  walk(root);
  return Math.ceil(bytes / 1024);
}

function writeControlDir(dir: string, c: PackageControl, size: number): void {
  mkdirSync(dir);
  chmodSync(dir, 0o755);
  const files: Array<[string, string, number]> = [["control", formatControl(c, size), 0o644]];
  const conffiles = (c.conffiles ?? []).map((f) => f.trim()).filter((f) => f !== "");
  for (const f of conffiles) {
    if (!f.startsWith("/") || /[\n\r]/.test(f))
      throw new PackageError(`Invalid conffile '${f}' in ${c.name}`);
  }
  if (conffiles.length > 0) files.push(["conffiles", conffiles.map((f) => `${f}\n`).join(""), 0o644]);
  for (const name of ["preinst", "postinst", "prerm", "postrm"] as const) {
    const body = c.scripts?.[name];
    if (body !== undefined && body.trim() !== "") files.push([name, scriptText(body), 0o755]);
  }
  const epoch = Math.floor(c.sourceDateEpoch);
  for (const [name, text, mode] of files) {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    chmodSync(p, mode);
    utimesSync(p, epoch, epoch);
  }
  utimesSync(dir, epoch, epoch);
}

/**
 * Write one package file per item into `outDir` (created if needed) and return their paths, in the
 * order given. The data tarballs are made under `fakeroot` (one run for all items).
 */
export function writePackages(
  format: PackageFormat,
  items: PackageToWrite[],
  outDir: string,
  fakeroot: string[],
): string[] {
  if (items.length === 0) return [];
  for (const { root, control } of items) {
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new PackageError(`Package directory ${root} of ${control.name} does not exist`);
    }
    if (!Number.isFinite(control.sourceDateEpoch) || control.sourceDateEpoch < 0) {
      throw new PackageError(`Invalid SOURCE_DATE_EPOCH ${control.sourceDateEpoch} for ${control.name}`);
    }
  }
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(path.join(path.resolve(outDir), ".kiln-package-"));
  try {
    const script: string[] = [];
    items.forEach(({ root, control }, i) => {
      const dir = path.join(work, String(i));
      mkdirSync(dir);
      writeControlDir(path.join(dir, "control"), control, installedSize(root));
      const epoch = control.sourceDateEpoch;
      for (const [src, base, owner] of [
        [path.join(dir, "control"), "control", "0"],
        [path.resolve(root), "data", undefined],
      ] as const) {
        const tar = path.join(dir, `${base}.tar`);
        // gzip writes through a redirection and the tar is removed inside the session, so no file
        // of ours is left recorded in the fakeroot database.
        script.push(
          tarCreateArgs(src, tar, epoch, owner).map(q).join(" "),
          `gzip -n -9 -c ${q(tar)} > ${q(`${tar}.gz`)}`,
          `rm -f ${q(tar)}`,
        );
      }
    });
    runScript(fakeroot, script, `Writing ${format} packages`);
    return items.map(({ control }, i) => {
      const dir = path.join(work, String(i));
      const ar = buildAr(
        [
          { name: "debian-binary", data: Buffer.from("2.0\n") },
          { name: "control.tar.gz", data: readFileSync(path.join(dir, "control.tar.gz")) },
          { name: "data.tar.gz", data: readFileSync(path.join(dir, "data.tar.gz")) },
        ],
        control.sourceDateEpoch,
      );
      const file = path.join(outDir, packageFileName(control, format));
      const tmp = path.join(work, `${i}.${format}`);
      writeFileSync(tmp, ar);
      chmodSync(tmp, 0o644);
      renameSync(tmp, file);
      return file;
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Write <name>_<version>_<arch>.ipk into `outDir` (opkg's ar layout); returns its path. */
export function writeIpk(root: string, control: PackageControl, outDir: string, fakeroot: string[]): string {
  return writePackages("ipk", [{ root, control }], outDir, fakeroot)[0]!;
}

/** Write <name>_<version>_<arch>.deb into `outDir`; returns its path. */
export function writeDeb(root: string, control: PackageControl, outDir: string, fakeroot: string[]): string {
  return writePackages("deb", [{ root, control }], outDir, fakeroot)[0]!;
}
