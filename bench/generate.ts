// Generates a synthetic build directory for benchmarks: one layer with many recipes that use
// the common language features (classes, includes, appends, overrides, inline Python).

import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

export function generateBuildDir(dir: string, recipes: number): void {
  write(
    path.join(dir, "conf/bblayers.conf"),
    'BBPATH = "${TOPDIR}"\nBBFILES ?= ""\nBBLAYERS = "${TOPDIR}/meta-bench"\n',
  );
  write(
    path.join(dir, "conf/local.conf"),
    'MACHINE = "benchmachine"\nDISTRO_FEATURES = "systemd x11 ipv6"\n',
  );
  const layer = path.join(dir, "meta-bench");
  write(
    path.join(layer, "conf/layer.conf"),
    [
      'BBPATH .= ":${LAYERDIR}"',
      'BBFILES += "${LAYERDIR}/recipes-*/*/*.bb ${LAYERDIR}/recipes-*/*/*.bbappend"',
      'BBFILE_COLLECTIONS += "bench"',
      'BBFILE_PATTERN_bench = "^${LAYERDIR}/"',
      'BBFILE_PRIORITY_bench = "5"',
      "",
    ].join("\n"),
  );
  write(
    path.join(layer, "conf/bitbake.conf"),
    [
      "PN = \"${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[0] or 'defaultpkgname'}\"",
      "PV = \"${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[1] or '1.0'}\"",
      "PR = \"${@bb.parse.vars_from_file(d.getVar('FILE', False),d)[2] or 'r0'}\"",
      'TMPDIR = "${TOPDIR}/tmp"',
      'CACHE = "${TMPDIR}/cache"',
      'WORKDIR = "${TMPDIR}/work/${PN}/${PV}"',
      'S = "${WORKDIR}/${PN}-${PV}"',
      'OVERRIDES = "linux:${MACHINE}:pn-${PN}"',
      'prefix = "/usr"',
      'bindir = "${prefix}/bin"',
      'PACKAGES = "${PN}-dbg ${PN}-dev ${PN}-doc ${PN}"',
      'FILES:${PN} = "${bindir}/*"',
      "include conf/local.conf",
      "",
    ].join("\n"),
  );
  write(
    path.join(layer, "classes/base.bbclass"),
    [
      "do_fetch () {\n    :\n}\naddtask fetch",
      "do_compile () {\n    oe_runmake\n}\naddtask compile after do_fetch",
      "do_install () {\n    install -d ${D}${bindir}\n}\naddtask install after do_compile",
      "do_build () {\n    :\n}\naddtask build after do_install",
      'do_compile[deptask] = "do_install"',
      'do_build[recrdeptask] = "do_fetch"',
      "python () {\n    if bb.utils.contains('DISTRO_FEATURES', 'systemd', True, False, d) and d.getVar('PN') != 'systemd':\n        d.appendVar('DEPENDS', ' systemd')\n}",
      "",
    ].join("\n"),
  );
  write(
    path.join(layer, "classes/autotools.bbclass"),
    [
      'EXTRA_OECONF ?= ""',
      'CONFIGUREOPTS = "--prefix=${prefix} --bindir=${bindir}"',
      "autotools_do_configure () {\n    ./configure ${CONFIGUREOPTS} ${EXTRA_OECONF}\n}",
      "EXPORT_FUNCTIONS do_configure",
      "addtask configure after do_fetch before do_compile",
      "def autotools_flags(d):\n    return ' '.join(sorted((d.getVar('EXTRA_OECONF') or '').split()))",
      "",
    ].join("\n"),
  );
  write(
    path.join(layer, "recipes-common/common.inc"),
    'LICENSE = "MIT"\nHOMEPAGE = "https://example.org/${PN}"\n',
  );
  // The runtime dependency every recipe has (with x11 in DISTRO_FEATURES).
  write(path.join(layer, "recipes-x/libx11/libx11_1.8.bb"), 'SUMMARY = "X11 client library"\n');
  // The build dependency every recipe has (with systemd in DISTRO_FEATURES), so that the task
  // graph below resolves instead of reporting a missing provider for each recipe of the chain.
  write(path.join(layer, "recipes-core/systemd/systemd_257.bb"), 'SUMMARY = "System and service manager"\n');
  for (let i = 0; i < recipes; i++) {
    const name = `pkg${i}`;
    const deps = i > 0 ? `pkg${i - 1}` : "";
    write(
      path.join(layer, `recipes-group${i % 20}/${name}/${name}_1.${i % 7}.bb`),
      [
        `SUMMARY = "Synthetic recipe ${i}"`,
        "require recipes-common/common.inc",
        "inherit autotools",
        `DEPENDS = "${deps}"`,
        'SRC_URI = "https://example.org/${PN}-${PV}.tar.gz"',
        'EXTRA_OECONF = "--enable-foo --disable-bar"',
        'EXTRA_OECONF:append:benchmachine = " --with-machine"',
        "RDEPENDS:${PN} += \"${@bb.utils.contains('DISTRO_FEATURES', 'x11', 'libx11', '', d)}\"",
        'FLAGS = "${@autotools_flags(d)}"',
        "",
      ].join("\n"),
    );
    if (i % 10 === 0) {
      write(
        path.join(layer, `recipes-group${i % 20}/${name}/${name}_%.bbappend`),
        'EXTRA_OECONF += "--appended"\n',
      );
    }
  }
}
