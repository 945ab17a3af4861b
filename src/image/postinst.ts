// Running postinst scripts offline, as OpenEmbedded's root filesystem step does: on the host,
// from the host's shell (`sh postinst configure`, bash for a script that asks for it), with $D
// set to the root filesystem (scripts written for offline use prefix their paths with $D), in
// install order, all in one session under the fakeroot prefix. A script that asks to run on the
// target (`$INTERCEPT_DIR/postinst_intercept delay_to_first_boot PKG`, which packaging puts in
// front of pkg_postinst_ontarget) or that fails is kept in /etc/kiln-postinsts/ (named
// <install position>-<package>, so that their order is kept) for kiln-run-postinsts to run on
// the target at first boot, where $D is empty; a failure is logged as a warning.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { writeInRootfs } from "./fsutil.js";
import { run, shellQuote } from "./run.js";

export const DEFERRED_DIR = "/etc/kiln-postinsts";
/** What runs the kept scripts at first boot (meta-kiln's kiln-postinsts, a kiln-init one-shot). */
export const FIRST_BOOT_RUNNER = "/usr/sbin/kiln-run-postinsts";

/** OpenEmbedded's intercept hook, as far as kiln provides it: only delay_to_first_boot. */
const INTERCEPT = `#!/bin/sh
# postinst_intercept HOOK ARGS: called by postinst scripts while kiln builds the image.
# delay_to_first_boot PKG: the calling script is to run on the target at first boot instead.
if [ "$1" = delay_to_first_boot ]; then
    : > "$KILN_POSTINST_DEFER"
    exit 0
fi
echo "postinst_intercept: kiln has no '$1' hook" >&2
exit 1
`;

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
  const interceptDir = path.join(opts.workdir, "intercept");
  mkdirSync(interceptDir, { recursive: true });
  writeFileSync(path.join(interceptDir, "postinst_intercept"), INTERCEPT, { mode: 0o755 });
  const driver = [`cd ${shellQuote(rootfs)} || exit 1`];
  scripts.forEach((s, i) => {
    const file = path.join(opts.workdir, `postinst-${i}`);
    writeFileSync(file, s.script, { mode: 0o755 });
    rmSync(`${file}.defer`, { force: true });
    const hooks = { INTERCEPT_DIR: interceptDir, KILN_POSTINST_DEFER: `${file}.defer` };
    const env = Object.entries({ ...environment(rootfs, s), ...hooks }).map(([k, v]) =>
      shellQuote(`${k}=${v}`),
    );
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
    const asked = existsSync(`${file}.defer`);
    if (rc === "0" && !asked) return;
    const keep = `${DEFERRED_DIR}/${String(s.position).padStart(width, "0")}-${s.name}`;
    writeInRootfs(rootfs, keep, s.script, 0o755);
    deferred.push(keep);
    if (rc === "0")
      opts.log(`postinst of ${s.name} asks to run on the target: kept as ${keep} for first boot`);
    else
      opts.log(
        `warning: postinst of ${s.name} failed (exit status ${rc}); kept as ${keep} to run at first boot`,
      );
  });
  if (deferred.length > 0 && !existsSync(path.join(rootfs, FIRST_BOOT_RUNNER)))
    opts.log(
      `warning: nothing in the image runs the postinsts kept for first boot (${FIRST_BOOT_RUNNER} is missing: install kiln-postinsts)`,
    );
  return deferred;
}
