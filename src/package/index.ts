// kiln's packaging stage: what OpenEmbedded's do_package, do_package_write_ipk and
// do_package_write_deb do with the files a recipe installed, as a synchronous library (callers run
// inside an embedded Python interpreter that cannot await). Values come already read from the
// recipe (FILES:<pkg> expanded, PACKAGES in order, RDEPENDS, ...).
//
// Ownership: files in D may have owners that exist only inside a fakeroot session. Every call that
// copies files or reads owners takes `fakeroot`, a command prefix that runs a program inside that
// session (e.g. ["env", "FAKEROOTDONTTRYCHOWN=1", "fakeroot", "-i", STATE, "-s", STATE, "--"], or []
// for none). Owners are never read with Node's fs.stat. Each call starts the session once.
//
// API
//   splitPackages(req: SplitRequest): SplitResult
//       Recreate PKGD as `cp -a` of D; strip ELF executables, shared libraries and kernel modules
//       there (files recognised by their ELF header; static archives and other files untouched),
//       first keeping their debug information as /usr/lib/debug/<path>.debug with a
//       .gnu_debuglink in the stripped file when req.debugPackage is set. Then recreate PKGDEST and
//       move every entry of PKGD into PKGDEST/<pkg>/ for the first package (PACKAGES order) whose
//       FILES match it; parent directories are created with the owner, mode and time of the
//       originals. FILES patterns follow Python's glob (OE's semantics, see glob.ts): "*" stays
//       within a path component, "**" spans directories, dot-names need a dot pattern, and a
//       pattern matching a directory takes the whole directory. Result: per package its files
//       (non-directories, relative paths, sorted) and whether it is empty (nothing in it and not
//       allowEmpty: callers write no package for it); the unshipped files (left in PKGD); SONAMEs
//       each package provides and needs (readelf -d).
//   shlibDepends(result, providers: Record<soname, pkg>, log?): Record<pkg, string[]>
//       For each package, the packages providing the SONAMEs it needs (this split's own libraries
//       first, then `providers`, e.g. other recipes' pkgdata), without itself, sorted.
//   writeIpk(root, control: PackageControl, outDir, fakeroot): string
//   writeDeb(root, control: PackageControl, outDir, fakeroot): string
//   writePackages(format: "ipk" | "deb", items: { root, control }[], outDir, fakeroot): string[]
//       Write <name>_<version without epoch>_<arch>.<format> into outDir (writePackages: several
//       packages with one fakeroot run). Both formats are an ar archive of debian-binary ("2.0\n"),
//       control.tar.gz (./control with Installed-Size, ./conffiles, maintainer scripts; owner 0)
//       and data.tar.gz (./-prefixed names, owners and modes from the fakeroot session). Reproducible:
//       GNU tar --sort=name --mtime=@SOURCE_DATE_EPOCH --clamp-mtime --numeric-owner --format=gnu,
//       gzip -n, ar members with fixed time stamp (SOURCE_DATE_EPOCH), owner 0 and mode 0644.
//   packageFileName(control, format): string
//   formatControl(control, installedSize?): string        the control file text
//   parseControl(text): Record<string, string>[]          control / Packages paragraphs
//   writeFeedIndex(dir, format): void
//       Packages and Packages.gz (gzip -n) for every *.ipk / *.deb in dir, sorted by file name:
//       control fields, Filename, Size, MD5Sum + SHA256sum (ipk; opkg's names) or MD5sum + SHA256
//       (deb; apt's names), Description last.
//   readFeedIndex(dir): Record<string, string>[]
//       The paragraphs of dir/Packages (or Packages.gz); multi-line values (Description) come back
//       as lines joined with "\n", as formatControl was given them.
//   readPackageControl(file): Record<string, string>      the control fields of a .ipk / .deb
//
// Errors: PackageError, whose message names the step and ends with the failing tool's output.
//
// Tools: cp, mv, chown, chmod, touch, rm (GNU coreutils), strip/objcopy/readelf (binutils; cross
// tools via SplitRequest.tools), GNU tar (>= 1.28 for --sort), gzip, sh; xz/zstd only to read
// packages whose control.tar is compressed with them.

export { buildAr, readAr } from "./ar.js";
export {
  type PackageFormat,
  type PackageToWrite,
  packageFileName,
  writeDeb,
  writeIpk,
  writePackages,
} from "./archive.js";
export { formatControl, type PackageControl, parseControl, versionInFileName } from "./control.js";
export { type ElfType, elfType } from "./elf.js";
export { PackageError } from "./errors.js";
export { readFeedIndex, readPackageControl, writeFeedIndex } from "./feed.js";
export { shlibDepends } from "./shlibs.js";
export {
  type PackageSpec,
  type SplitPackage,
  type SplitRequest,
  type SplitResult,
  splitPackages,
} from "./split.js";
