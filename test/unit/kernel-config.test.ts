// Kernel configuration audit (src/kernel, `kiln kernel-config-check`): parsing .config and .cfg
// files, the status of each fragment option, the command's output and exit status, and a run of
// the shipped fragments against a real Debian cloud kernel's configuration.

import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { formatReport, SHIPPED_FRAGMENTS_DIR, shippedFragments } from "../../src/cli/kernel-config-check.js";
import {
  type CheckReport,
  type CheckStatus,
  checkConfig,
  checkOption,
  type KernelConfig,
  KernelConfigError,
  parseKernelConfig,
  readKernelConfig,
  summaryLine,
} from "../../src/kernel/index.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = new URL("../../src/cli/kernel-config-check.js", import.meta.url).href;

let dir: string;
before(() => {
  dir = mkdtempSync(path.join(tmpdir(), "kiln-kcc-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function parse(text: string, file = "test.config"): KernelConfig {
  return parseKernelConfig(text, file);
}

/** Run kernelConfigCheck in a child process: its exit status, stdout and stderr. */
function runCli(config: string, fragments: string[], opts: { json?: boolean; builtin?: boolean } = {}) {
  const script = `const m = await import(${JSON.stringify(CLI)});
await m.kernelConfigCheck(${JSON.stringify(config)}, ${JSON.stringify(fragments)}, ${JSON.stringify(opts)});`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "" },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// --- parsing ------------------------------------------------------------------------------------

test("parser: every line form, typed values, line numbers, order", () => {
  const c = parse(
    [
      "#",
      "# Automatically generated file; DO NOT EDIT.",
      "# Linux/x86 6.1.0 Kernel Configuration",
      "#",
      'CONFIG_CC_VERSION_TEXT="gcc (Debian 12.2.0-14) 12.2.0"',
      "",
      "# General setup",
      "CONFIG_BUILTIN=y",
      "CONFIG_MOD=m",
      "# CONFIG_OFF is not set",
      "CONFIG_NO=n",
      "CONFIG_NR_CPUS=8192",
      "CONFIG_NEG=-1",
      "CONFIG_PHYS_START=0x1000000",
      'CONFIG_EMPTY=""',
      'CONFIG_ESC="a \\"quoted\\" word and a back\\\\slash"',
      "  CONFIG_INDENTED=y  \r",
      "",
    ].join("\n"),
  );
  const v = (n: string) => c.options.get(n)?.value;
  assert.deepEqual(v("CONFIG_CC_VERSION_TEXT"), { kind: "string", value: "gcc (Debian 12.2.0-14) 12.2.0" });
  assert.deepEqual(v("CONFIG_BUILTIN"), { kind: "tristate", value: "y" });
  assert.deepEqual(v("CONFIG_MOD"), { kind: "tristate", value: "m" });
  assert.deepEqual(v("CONFIG_OFF"), { kind: "unset" });
  assert.deepEqual(v("CONFIG_NO"), { kind: "unset" });
  assert.deepEqual(v("CONFIG_NR_CPUS"), { kind: "int", value: "8192" });
  assert.deepEqual(v("CONFIG_NEG"), { kind: "int", value: "-1" });
  assert.deepEqual(v("CONFIG_PHYS_START"), { kind: "hex", value: "0x1000000" });
  assert.deepEqual(v("CONFIG_EMPTY"), { kind: "string", value: "" });
  assert.deepEqual(v("CONFIG_ESC"), { kind: "string", value: 'a "quoted" word and a back\\slash' });
  assert.deepEqual(v("CONFIG_INDENTED"), { kind: "tristate", value: "y" });
  assert.equal(c.options.has("CONFIG_General"), false, "ordinary comments are not options");
  assert.equal(c.options.get("CONFIG_BUILTIN")?.line, 8);
  assert.equal(c.options.get("CONFIG_OFF")?.line, 10);
  assert.deepEqual([...c.options.keys()].slice(0, 3), [
    "CONFIG_CC_VERSION_TEXT",
    "CONFIG_BUILTIN",
    "CONFIG_MOD",
  ]);
  assert.equal(
    c.description,
    "Automatically generated file; DO NOT EDIT.\nLinux/x86 6.1.0 Kernel Configuration",
  );
});

test("parser: a later line wins, keeping the first position, with a warning naming both lines", () => {
  const c = parse("CONFIG_A=y\nCONFIG_B=y\n# CONFIG_A is not set\n", "frag.cfg");
  assert.deepEqual([...c.options.keys()], ["CONFIG_A", "CONFIG_B"]);
  assert.deepEqual(c.options.get("CONFIG_A"), { name: "CONFIG_A", value: { kind: "unset" }, line: 3 });
  assert.equal(c.warnings.length, 1);
  assert.match(c.warnings[0], /^frag\.cfg:3: CONFIG_A set again \(first at line 1\)/);
});

test("parser: a bad line is an error naming file:line", () => {
  const bad: Array<[string, RegExp]> = [
    ["CONFIG_X=yes", /bad value "yes"/],
    ['CONFIG_X="open', /unterminated string/],
    ['CONFIG_X="a" b', /text after the closing quote/],
    ["CONFIG_X=", /no value/],
    ["FOO=y", /expected CONFIG_NAME=value/],
    ["CONFIG_X y", /expected CONFIG_NAME=value/],
    ["#CONFIG_X is not set, really", /expected "# CONFIG_NAME is not set"/],
  ];
  for (const [line, why] of bad) {
    assert.throws(
      () => parse(`# header\n\nCONFIG_OK=y\n${line}\n`, "bad.cfg"),
      (e: unknown) => {
        assert.ok(e instanceof KernelConfigError, `${line}: ${String(e)}`);
        assert.equal(e.file, "bad.cfg");
        assert.equal(e.line, 4);
        assert.match(e.message, /^bad\.cfg:4: /);
        assert.match(e.message, why);
        return true;
      },
    );
  }
});

test("parser: an unreadable file is an error naming the file", () => {
  const missing = path.join(dir, "no-such.config");
  assert.throws(() => readKernelConfig(missing), {
    name: "KernelConfigError",
    message: `${missing}: cannot read: no such file`,
  });
  assert.throws(() => readKernelConfig(dir), /cannot read: is a directory/);
});

// --- checking -----------------------------------------------------------------------------------

function statusOf(want: string, have: string | null, builtin = false) {
  const w = [...parse(want, "f.cfg").options.values()][0];
  const h = have === null ? undefined : [...parse(have).options.values()][0];
  const r = checkOption(w, h, { builtin });
  return { status: r.status, satisfied: r.satisfied, note: r.note };
}

test("check: every status", () => {
  // Built in where built in is wanted; module or built in where a module is asked.
  assert.deepEqual(statusOf("CONFIG_A=y", "CONFIG_A=y"), { status: "ok", satisfied: true, note: undefined });
  assert.deepEqual(statusOf("CONFIG_A=m", "CONFIG_A=m"), { status: "ok", satisfied: true, note: undefined });
  assert.deepEqual(statusOf("CONFIG_A=m", "CONFIG_A=y"), {
    status: "ok",
    satisfied: true,
    note: "built in; a module was asked",
  });
  // A module where built in is required.
  assert.deepEqual(statusOf("CONFIG_A=y", "CONFIG_A=m"), {
    status: "module",
    satisfied: false,
    note: "built in required",
  });
  // Missing: absent, not set, or =n.
  assert.equal(statusOf("CONFIG_A=y", null).status, "missing");
  assert.equal(statusOf("CONFIG_A=m", "# CONFIG_A is not set").status, "missing");
  assert.equal(statusOf('CONFIG_S="x"', "CONFIG_S=n").status, "missing");
  // Wanted disabled.
  assert.equal(statusOf("# CONFIG_A is not set", null).status, "ok");
  assert.equal(statusOf("# CONFIG_A is not set", "# CONFIG_A is not set").status, "ok");
  assert.equal(statusOf("CONFIG_A=n", "CONFIG_A=m").status, "enabled");
  assert.deepEqual(statusOf("# CONFIG_A is not set", "CONFIG_A=y"), {
    status: "enabled",
    satisfied: false,
    note: "should be disabled",
  });
  // Values.
  assert.equal(statusOf('CONFIG_S="a b"', 'CONFIG_S="a b"').status, "ok");
  assert.equal(statusOf('CONFIG_S="a b"', 'CONFIG_S="a  b"').status, "wrong");
  assert.equal(statusOf("CONFIG_N=31", "CONFIG_N=0x1f").status, "ok");
  assert.equal(statusOf("CONFIG_N=0X1F", "CONFIG_N=0x1f").status, "ok");
  assert.equal(statusOf("CONFIG_N=64", "CONFIG_N=8192").status, "wrong");
  assert.equal(statusOf("CONFIG_N=1", "CONFIG_N=y").status, "wrong");
  assert.equal(statusOf("CONFIG_A=y", 'CONFIG_A="y"').status, "wrong");
  // --builtin: modules never satisfy a tristate requirement.
  assert.deepEqual(statusOf("CONFIG_A=m", "CONFIG_A=m", true), {
    status: "module",
    satisfied: false,
    note: "built in required by --builtin",
  });
  assert.equal(statusOf("CONFIG_A=m", "CONFIG_A=y", true).status, "ok");
});

test("check: per-fragment results, counts and the summary line", () => {
  const config = parse(
    "CONFIG_A=y\nCONFIG_B=m\nCONFIG_C=m\n# CONFIG_D is not set\nCONFIG_E=y\nCONFIG_F=y\nCONFIG_N=4\n",
    "kernel.config",
  );
  const one = parse("# Feature one.\n\nCONFIG_A=y\nCONFIG_B=m\nCONFIG_C=y\n", "one.cfg");
  const two = parse(
    "# Feature two.\nCONFIG_D=m\nCONFIG_G=y\n# CONFIG_E is not set\nCONFIG_F=m\nCONFIG_N=8\n",
    "two.cfg",
  );
  const report = checkConfig(config, [one, two]);
  assert.equal(report.fragments[0].description, "Feature one.");
  assert.equal(report.fragments[0].satisfied, false);
  assert.deepEqual(
    report.fragments.map((f) => f.options.map((o) => `${o.option}:${o.status}@${o.line}`)),
    [
      ["CONFIG_A:ok@3", "CONFIG_B:ok@4", "CONFIG_C:module@5"],
      ["CONFIG_D:missing@2", "CONFIG_G:missing@3", "CONFIG_E:enabled@4", "CONFIG_F:ok@5", "CONFIG_N:wrong@6"],
    ],
  );
  assert.equal(report.fragments[1].options[0].foundLine, 4);
  assert.equal(report.fragments[1].options[1].found, null);
  assert.deepEqual(report.summary.counts, { ok: 3, missing: 2, module: 1, wrong: 1, enabled: 1 });
  assert.equal(report.satisfied, false);
  assert.equal(
    summaryLine(report.summary),
    "3 of 8 options satisfied; 2 missing, 1 built as a module where built in is required, 1 wrong value, " +
      "1 enabled where disabled is required (1 built in where a module was asked)",
  );
  const coloured = formatReport(report, true);
  assert.ok(coloured.includes("\x1b[32mok     \x1b[0m CONFIG_A"), coloured);
  assert.ok(coloured.includes("\x1b[33mmodule \x1b[0m CONFIG_C"), coloured);
  assert.ok(!formatReport(report, false).includes("\x1b["));
  const good = checkConfig(config, [parse("CONFIG_A=y\nCONFIG_B=m\n", "good.cfg")]);
  assert.equal(good.satisfied, true);
  assert.equal(summaryLine(good.summary), "2 of 2 options satisfied");
});

// --- the command --------------------------------------------------------------------------------

test("command: report, summary, exit status 0 and 1, --builtin, --json", () => {
  const config = write("k.config", "CONFIG_A=y\nCONFIG_B=m\n# CONFIG_C is not set\n");
  const fine = write("fine.cfg", "# Fine: all there.\nCONFIG_A=y\nCONFIG_B=m\n");
  const broken = write("broken.cfg", "# Broken: wants more.\nCONFIG_B=y\nCONFIG_C=m\n");

  const ok = runCli(config, [fine]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /fine\.cfg: Fine: all there\./);
  assert.match(ok.stdout, /^ {2}ok {6}CONFIG_A {2}wanted y, found y$/m);
  assert.match(ok.stdout, /^2 of 2 options satisfied$/m);
  assert.ok(!ok.stdout.includes("\x1b["), "no colour when stdout is not a terminal");

  const bad = runCli(config, [fine, broken]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /^ {2}module {2}CONFIG_B {2}wanted y, found m \(built in required\)$/m);
  assert.match(bad.stdout, /^ {2}missing CONFIG_C {2}wanted m, found is not set$/m);
  assert.match(
    bad.stdout,
    /^2 of 4 options satisfied; 1 missing, 1 built as a module where built in is required$/m,
  );

  const strict = runCli(config, [fine], { builtin: true });
  assert.equal(strict.status, 1);
  assert.match(strict.stdout, /module {2}CONFIG_B {2}wanted m, found m \(built in required by --builtin\)/);

  const json = runCli(config, [fine, broken], { json: true });
  assert.equal(json.status, 1);
  const report = JSON.parse(json.stdout) as CheckReport;
  assert.equal(report.satisfied, false);
  assert.equal(report.config, config);
  assert.deepEqual(report.fragments[1].options[0], {
    option: "CONFIG_B",
    wanted: { kind: "tristate", value: "y" },
    found: { kind: "tristate", value: "m" },
    line: 2,
    foundLine: 2,
    status: "module",
    satisfied: false,
    note: "built in required",
  });
});

test("command: errors name file:line and exit with status 2", () => {
  const config = write("e.config", "CONFIG_A=y\n");
  const badFrag = write("bad.cfg", "# Bad.\nCONFIG_A=y\nCONFIG_B=maybe\n");
  const r = runCli(config, [badFrag]);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, "");
  assert.match(
    r.stderr,
    new RegExp(`^ERROR: ${badFrag.replace(/[.]/g, "\\.")}:3: CONFIG_B: bad value "maybe"`),
  );
  const missing = runCli(path.join(dir, "absent.config"), [badFrag]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /absent\.config: cannot read: no such file/);
});

test("the shipped fragments parse, say what they are for, and are used without FRAGMENT arguments", () => {
  const files = shippedFragments();
  assert.deepEqual(
    files.map((f) => path.basename(f)),
    ["containers.cfg", "kvm-host.cfg", "virtio-guest.cfg", "xen-guest.cfg"],
  );
  assert.equal(
    path.resolve(SHIPPED_FRAGMENTS_DIR),
    path.join(ROOT, "layers/meta-kiln-virt/recipes-kernel/linux/files"),
  );
  for (const f of files) {
    const c = readKernelConfig(f);
    assert.ok(c.description.length > 0, `${f} starts with a comment saying what it is for`);
    assert.ok(c.options.size > 0);
    assert.deepEqual(c.warnings, []);
  }
  const config = write("all.config", "CONFIG_NAMESPACES=y\n");
  const r = runCli(config, [], { json: true });
  assert.equal(r.status, 1);
  const report = JSON.parse(r.stdout) as CheckReport;
  assert.deepEqual(
    report.fragments.map((f) => path.basename(f.fragment)),
    files.map((f) => path.basename(f)),
  );
});

// --- a real kernel: Debian's cloud kernel -------------------------------------------------------

/** Debian's kernel configuration: from the newest amd64 linux-image .deb, or /boot. */
function debianConfig(): { text: string; source: string } {
  const debs = path.join(ROOT, "examples/quickstart/debian-packages");
  const candidates = existsSync(debs)
    ? readdirSync(debs)
        .filter((n) => /^linux-image-.*_amd64\.deb$/.test(n))
        .sort((a, b) => a.localeCompare(b, "en", { numeric: true }))
    : [];
  const newest = candidates[candidates.length - 1];
  if (newest) {
    const deb = path.join(debs, newest);
    const text = execFileSync(
      "sh",
      ["-c", 'dpkg-deb --fsys-tarfile "$1" | tar -xO --wildcards "./boot/config-*"', "sh", deb],
      { encoding: "utf8", maxBuffer: 64 << 20 },
    );
    return { text, source: deb };
  }
  const boot = existsSync("/boot") ? readdirSync("/boot").filter((n) => n.startsWith("config-")) : [];
  if (boot.length > 0) {
    const file = path.join("/boot", boot.sort()[boot.length - 1]);
    return { text: execFileSync("cat", [file], { encoding: "utf8" }), source: file };
  }
  assert.fail(
    `no Debian kernel configuration to test with: no linux-image-*_amd64.deb in ${debs} and no /boot/config-*`,
  );
}

/** What the configuration text says of an option, found with a plain text search (not the parser). */
function grepValue(text: string, option: string): string | null {
  const set = new RegExp(`^${option}=(.*)$`, "m").exec(text);
  if (set) return set[1];
  return new RegExp(`^# ${option} is not set$`, "m").test(text) ? "n" : null;
}

/** The status the rules give, worked out from the grepped text. */
function expectedStatus(wanted: string, found: string | null): CheckStatus {
  if (wanted === "n") return found === null || found === "n" ? "ok" : "enabled";
  if (found === null || found === "n") return "missing";
  if (wanted === "y" && found === "m") return "module";
  if (wanted === "m" && (found === "m" || found === "y")) return "ok";
  return wanted === found ? "ok" : "wrong";
}

test("Debian's cloud kernel against the shipped fragments", () => {
  const { text, source } = debianConfig();
  const file = write("debian.config", text);
  const facts: Array<[string, string]> = [
    // Debian builds these as modules: enough for containers (=m asks for module or built in)...
    ["CONFIG_OVERLAY_FS", "m"],
    ["CONFIG_VETH", "m"],
    ["CONFIG_BRIDGE", "m"],
    ["CONFIG_NF_TABLES", "m"],
    ["CONFIG_KVM", "m"],
    // ...but not for a guest booting without an initramfs: it relies on one for these.
    ["CONFIG_VIRTIO_BLK", "m"],
    ["CONFIG_VIRTIO_PCI", "m"],
    ["CONFIG_XEN_BLKDEV_FRONTEND", "m"],
    // Built in although the fragment only asks for a module.
    ["CONFIG_XEN_FBDEV_FRONTEND", "y"],
    // Built in, as bool options must be.
    ["CONFIG_USER_NS", "y"],
    ["CONFIG_CGROUP_BPF", "y"],
    ["CONFIG_SECCOMP_FILTER", "y"],
    ["CONFIG_HVC_XEN", "y"],
  ];
  for (const [option, value] of facts) {
    assert.equal(grepValue(text, option), value, `${source}: expected ${option}=${value}`);
  }

  // Every line of a real .config parses.
  const kernel = readKernelConfig(file);
  assert.ok(kernel.options.size > 3000, `${kernel.options.size} options`);
  assert.deepEqual(kernel.warnings, []);
  assert.match(kernel.description, /Kernel Configuration/);

  // Every shipped option gets the status its grepped value calls for.
  const fragments = shippedFragments().map((f) => readKernelConfig(f));
  const report = checkConfig(kernel, fragments);
  for (const f of report.fragments) {
    for (const o of f.options) {
      const wanted = o.wanted.kind === "unset" ? "n" : (o.wanted as { value: string }).value;
      assert.equal(o.status, expectedStatus(wanted, grepValue(text, o.option)), `${f.fragment}: ${o.option}`);
    }
  }
  const byName = new Map(report.fragments.map((f) => [path.basename(f.fragment), f]));
  const status = (frag: string, option: string) => byName.get(frag)?.options.find((o) => o.option === option);

  // containers.cfg and kvm-host.cfg: satisfied, some options as modules.
  assert.equal(byName.get("containers.cfg")?.satisfied, true, "Debian's cloud kernel runs containers");
  assert.equal(byName.get("kvm-host.cfg")?.satisfied, true);
  assert.equal(status("containers.cfg", "CONFIG_OVERLAY_FS")?.status, "ok");
  assert.deepEqual(status("containers.cfg", "CONFIG_OVERLAY_FS")?.found, { kind: "tristate", value: "m" });
  // virtio-guest.cfg and xen-guest.cfg: the boot disk drivers are modules.
  assert.equal(byName.get("virtio-guest.cfg")?.satisfied, false);
  assert.equal(status("virtio-guest.cfg", "CONFIG_VIRTIO_BLK")?.status, "module");
  assert.equal(status("xen-guest.cfg", "CONFIG_XEN_BLKDEV_FRONTEND")?.status, "module");
  assert.equal(status("xen-guest.cfg", "CONFIG_XEN_FBDEV_FRONTEND")?.note, "built in; a module was asked");
  assert.equal(status("xen-guest.cfg", "CONFIG_HVC_XEN")?.status, "ok");

  // The command: containers alone succeeds; the shipped set fails, and the report says why.
  const containers = path.join(SHIPPED_FRAGMENTS_DIR, "containers.cfg");
  const c = runCli(file, [containers]);
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /^ {2}ok {6}CONFIG_OVERLAY_FS +wanted m, found m$/m);
  assert.match(c.stdout, /^ {2}ok {6}CONFIG_USER_NS +wanted y, found y$/m);
  const n = byName.get("containers.cfg")?.options.length;
  assert.match(c.stdout, new RegExp(`^${n} of ${n} options satisfied$`, "m"));

  const all = runCli(file, []);
  assert.equal(all.status, 1);
  assert.match(all.stdout, /^ {2}module {2}CONFIG_VIRTIO_BLK +wanted y, found m \(built in required\)$/m);
  assert.match(
    all.stdout,
    /^ {2}ok {6}CONFIG_XEN_FBDEV_FRONTEND +wanted m, found y \(built in; a module was asked\)$/m,
  );
  const { satisfied, total, counts } = report.summary;
  assert.ok(counts.module >= 3, "VIRTIO_PCI, VIRTIO_BLK and XEN_BLKDEV_FRONTEND at least");
  assert.match(
    all.stdout,
    new RegExp(
      `^${satisfied} of ${total} options satisfied; ${counts.module} built as modules where built in is required`,
      "m",
    ),
  );

  // --builtin: Debian's modules no longer do for containers.
  const strict = runCli(file, [containers], { builtin: true });
  assert.equal(strict.status, 1);
  assert.match(strict.stdout, /module {2}CONFIG_OVERLAY_FS +wanted m, found m/);
});
