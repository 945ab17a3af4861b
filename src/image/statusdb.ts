// The installed-package databases, so that the package manager on the target (or a later
// offline step) knows what is installed:
//   .deb: var/lib/dpkg/status ("Status: install ok installed"), var/lib/dpkg/info/<pkg>.list
//         and the control members (maintainer scripts, conffiles, md5sums...) as info/<pkg>.<member>;
//   .ipk: var/lib/opkg/status ("install user installed" for what was asked for, "install ok
//         installed" and "Auto-Installed: yes" for dependencies), var/lib/opkg/info/<pkg>.control,
//         .list and the other control members.
// Entries are sorted by package name; Conffiles carry the md5sum of the installed file.

import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { type Fields, fieldOf, formatParagraph } from "./control.js";
import { ensureDir, resolveInRootfs, writeInRootfs } from "./fsutil.js";

export interface InstalledPackage {
  name: string;
  kind: "deb" | "ipk";
  /** The package's own control file. */
  control: Fields;
  /** Control archive members (control, postinst, conffiles...). */
  members: Map<string, Buffer>;
  /** Installed paths, "/" + path inside the rootfs, in archive order ("/." for the top). */
  files: string[];
  /** Asked for by name rather than pulled in as a dependency. */
  requested: boolean;
}

const SCRIPTS = new Set(["preinst", "postinst", "prerm", "postrm", "config"]);

function conffilesField(rootfs: string, pkg: InstalledPackage): string | undefined {
  const list = pkg.members.get("conffiles");
  if (!list) return undefined;
  const lines = list
    .toString()
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.startsWith("/"));
  if (lines.length === 0) return undefined;
  const entries = lines.map((f) => {
    const host = resolveInRootfs(rootfs, f);
    const sum = existsSync(host) ? createHash("md5").update(readFileSync(host)).digest("hex") : "newconffile";
    return `\n ${f} ${sum}`;
  });
  return entries.join("");
}

function without(fields: Fields, names: string[]): Fields {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return Object.fromEntries(Object.entries(fields).filter(([k]) => !drop.has(k.toLowerCase())));
}

function dpkgEntry(rootfs: string, pkg: InstalledPackage): string {
  const fields: Fields = { Package: pkg.name, Status: "install ok installed" };
  Object.assign(fields, without(pkg.control, ["Package", "Status", "Conffiles"]));
  const conffiles = conffilesField(rootfs, pkg);
  if (conffiles) fields["Conffiles"] = conffiles;
  return formatParagraph(fields);
}

const OPKG_FIELDS = [
  "Version",
  "Pre-Depends",
  "Depends",
  "Recommends",
  "Suggests",
  "Provides",
  "Replaces",
  "Conflicts",
  "Essential",
];

function opkgEntry(rootfs: string, pkg: InstalledPackage): string {
  const fields: Fields = { Package: pkg.name };
  for (const name of OPKG_FIELDS) {
    const v = fieldOf(pkg.control, name);
    if (v !== undefined) fields[name] = v;
  }
  fields["Status"] = pkg.requested ? "install user installed" : "install ok installed";
  fields["Architecture"] = fieldOf(pkg.control, "Architecture") ?? "all";
  const conffiles = conffilesField(rootfs, pkg);
  if (conffiles) fields["Conffiles"] = conffiles;
  if (!pkg.requested) fields["Auto-Installed"] = "yes";
  return formatParagraph(fields);
}

function listText(files: string[], keepTop: boolean): string {
  const kept = files.filter((f) => keepTop || f !== "/.");
  return kept.length > 0 ? `${kept.join("\n")}\n` : "";
}

export function writeStatusDatabases(rootfs: string, packages: InstalledPackage[]): void {
  const sorted = [...packages].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const debs = sorted.filter((p) => p.kind === "deb");
  const ipks = sorted.filter((p) => p.kind === "ipk");
  if (debs.length > 0) {
    for (const dir of ["/var/lib/dpkg/info", "/var/lib/dpkg/updates", "/var/lib/dpkg/triggers"]) {
      ensureDir(rootfs, dir);
    }
    writeInRootfs(rootfs, "/var/lib/dpkg/status", debs.map((p) => dpkgEntry(rootfs, p)).join("\n"));
    for (const p of debs) {
      writeInRootfs(rootfs, `/var/lib/dpkg/info/${p.name}.list`, listText(p.files, true));
      for (const [member, data] of p.members) {
        if (member === "control") continue;
        writeInRootfs(
          rootfs,
          `/var/lib/dpkg/info/${p.name}.${member}`,
          data,
          SCRIPTS.has(member) ? 0o755 : 0o644,
        );
      }
    }
  }
  if (ipks.length > 0) {
    ensureDir(rootfs, "/var/lib/opkg/info");
    writeInRootfs(rootfs, "/var/lib/opkg/status", ipks.map((p) => opkgEntry(rootfs, p)).join("\n"));
    for (const p of ipks) {
      writeInRootfs(rootfs, `/var/lib/opkg/info/${p.name}.list`, listText(p.files, false));
      for (const [member, data] of p.members) {
        writeInRootfs(
          rootfs,
          `/var/lib/opkg/info/${p.name}.${member}`,
          data,
          SCRIPTS.has(member) ? 0o755 : 0o644,
        );
      }
    }
  }
}
