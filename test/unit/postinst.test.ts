// Postinst scripts while the image is built: one that asks to run on the target (as
// pkg_postinst_ontarget does, through OpenEmbedded's delay_to_first_boot intercept) is kept for
// first boot without a warning; one that fails is kept with a warning; the others are done.

import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { FIRST_BOOT_RUNNER, type Postinst, runPostinsts } from "../../src/image/postinst.js";

const root = mkdtempSync(path.join(os.tmpdir(), "kiln-postinst-"));
after(() => rmSync(root, { recursive: true, force: true }));

const script = (name: string, position: number, body: string): Postinst => ({
  name,
  kind: "deb",
  arch: "all",
  position,
  script: Buffer.from(`#!/bin/sh\nset -e\n${body}`),
});

const LATER = [
  'echo offline > "$D/etc/later-offline"',
  'if [ -n "$D" ]; then',
  "    $INTERCEPT_DIR/postinst_intercept delay_to_first_boot later mlprefix=",
  "    exit 0",
  "fi",
  "echo on-target > /etc/later-on-target",
  "",
].join("\n");

function run(rootfs: string): string[] {
  const log: string[] = [];
  const workdir = mkdtempSync(path.join(root, "work-"));
  const kept = runPostinsts(
    rootfs,
    [
      script("fine", 0, 'echo done > "$D/etc/fine"\n'),
      script("later", 1, LATER),
      script("hooked", 2, "$INTERCEPT_DIR/postinst_intercept update_font_cache\n"),
    ],
    { fakeroot: [], workdir, log: (l) => log.push(l) },
  );
  assert.deepEqual(kept, ["/etc/kiln-postinsts/001-later", "/etc/kiln-postinsts/002-hooked"]);
  return log;
}

test("a postinst asking for first boot is kept quietly, a failing one with a warning", () => {
  const rootfs = path.join(root, "rootfs");
  mkdirSync(path.join(rootfs, "etc"), { recursive: true });
  const log = run(rootfs);
  assert.equal(readFileSync(path.join(rootfs, "etc/fine"), "utf8"), "done\n");
  // later's offline part ran, its on-target part did not; the whole script is kept.
  assert.equal(readFileSync(path.join(rootfs, "etc/later-offline"), "utf8"), "offline\n");
  assert.equal(existsSync(path.join(rootfs, "etc/later-on-target")), false);
  assert.match(readFileSync(path.join(rootfs, "etc/kiln-postinsts/001-later"), "utf8"), /on-target/);
  assert.ok(
    log.includes(
      "postinst of later asks to run on the target: kept as /etc/kiln-postinsts/001-later for first boot",
    ),
    log.join("\n"),
  );
  assert.ok(!log.some((l) => l.startsWith("warning: postinst of later")), log.join("\n"));
  // A hook kiln does not provide fails the script (set -e): kept, with a warning.
  assert.ok(
    log.some((l) => l.includes("kiln has no 'update_font_cache' hook")),
    log.join("\n"),
  );
  assert.ok(
    log.some((l) => l.startsWith("warning: postinst of hooked failed (exit status 1)")),
    log.join("\n"),
  );
  assert.ok(!existsSync(path.join(rootfs, "etc/kiln-postinsts/000-fine")));
  // Nothing in this root filesystem would run them at boot: said so.
  assert.ok(
    log.some((l) => l.includes(`${FIRST_BOOT_RUNNER} is missing`)),
    log.join("\n"),
  );
});

test("with the first-boot runner in the image, no warning about it", () => {
  const rootfs = path.join(root, "rootfs-with-runner");
  mkdirSync(path.join(rootfs, "etc"), { recursive: true });
  mkdirSync(path.join(rootfs, path.dirname(FIRST_BOOT_RUNNER)), { recursive: true });
  writeFileSync(path.join(rootfs, FIRST_BOOT_RUNNER), "#!/bin/sh\n", { mode: 0o755 });
  const log = run(rootfs);
  assert.ok(!log.some((l) => l.includes(`${FIRST_BOOT_RUNNER} is missing`)), log.join("\n"));
});
