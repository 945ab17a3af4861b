// Running postinst scripts offline, as OpenEmbedded's root filesystem step does: on the host,
// from the host's shell (`sh postinst configure`, bash for a script that asks for it), with $D
// set to the root filesystem (scripts written for offline use prefix their paths with $D), in
// install order, all in one session under the fakeroot prefix. A script that fails is kept in
// /etc/kiln-postinsts/ (named <install position>-<package>, so that their order is kept) to be
// run on the target at first boot, where $D is empty, and a warning is logged.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeInRootfs } from "./fsutil.js";
import { run, shellQuote } from "./run.js";

export const DEFERRED_DIR = "/etc/kiln-postinsts";

export interface Postinst {
  /** Package name. */
  name: string;
  kind: "deb" | "ipk";
  arch: string;
  /** Position in the install order (from 0). */
  position: number;
  script: Buffer;
}

function interpreter(script: Buffer): string {
  const m = /^#!\s*(\S+)/.exec(script.subarray(0, 128).toString("latin1"));
  return m && path.basename(m[1]) === "bash" ? "bash" : "sh";
}

function environment(rootfs: string, s: Postinst): Record<string, string> {
  if (s.kind === "ipk") return { D: rootfs, OPKG_OFFLINE_ROOT: rootfs, IPKG_OFFLINE_ROOT: rootfs };
  return {
    D: rootfs,
    DPKG_ROOT: rootfs,
    DPKG_ADMINDIR: path.join(rootfs, "var/lib/dpkg"),
    DPKG_MAINTSCRIPT_PACKAGE: s.name,
    DPKG_MAINTSCRIPT_NAME: "postinst",
    DPKG_MAINTSCRIPT_ARCH: s.arch,
  };
}

/** Run the scripts (in the order given); returns the paths (inside rootfs) of those kept for first boot. */
export function runPostinsts(
  rootfs: string,
  scripts: Postinst[],
  opts: { fakeroot: string[]; workdir: string; log(line: string): void },
): string[] {
  if (scripts.length === 0) return [];
  const driver = [`cd ${shellQuote(rootfs)} || exit 1`];
  scripts.forEach((s, i) => {
    const file = path.join(opts.workdir, `postinst-${i}`);
    writeFileSync(file, s.script, { mode: 0o755 });
    const env = Object.entries(environment(rootfs, s)).map(([k, v]) => shellQuote(`${k}=${v}`));
    const cmd = ["env", ...env, interpreter(s.script), shellQuote(file), "configure"].join(" ");
    driver.push(`${cmd} </dev/null >${shellQuote(`${file}.out`)} 2>&1; echo $? >${shellQuote(`${file}.rc`)}`);
  });
  const driverFile = path.join(opts.workdir, "postinsts.sh");
  writeFileSync(driverFile, `${driver.join("\n")}\n`);
  run(["sh", driverFile], { prefix: opts.fakeroot });

  const deferred: string[] = [];
  const width = Math.max(3, String(scripts.reduce((m, s) => Math.max(m, s.position), 0)).length);
  scripts.forEach((s, i) => {
    const file = path.join(opts.workdir, `postinst-${i}`);
    const out = existsSync(`${file}.out`) ? readFileSync(`${file}.out`, "utf8") : "";
    for (const line of out.split("\n")) if (line.trim() !== "") opts.log(`${s.name} postinst: ${line}`);
    const rc = existsSync(`${file}.rc`) ? readFileSync(`${file}.rc`, "utf8").trim() : "(did not run)";
    if (rc === "0") return;
    const keep = `${DEFERRED_DIR}/${String(s.position).padStart(width, "0")}-${s.name}`;
    writeInRootfs(rootfs, keep, s.script, 0o755);
    deferred.push(keep);
    opts.log(
      `warning: postinst of ${s.name} failed (exit status ${rc}); kept as ${keep} to run at first boot`,
    );
  });
  return deferred;
}
