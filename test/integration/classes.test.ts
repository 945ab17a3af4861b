// meta-kiln's build classes on small recipes made here: meson, autotools (a configure script),
// useradd, packagegroup, image with .deb packages (dpkg's database in the root filesystem),
// EXTRA_USERS, and owners given by do_install surviving into the image.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { runKiln } from "../helpers/builddir.js";
import { requirePrograms } from "../helpers/tools.js";

const repo = path.resolve(fileURLToPath(new URL("../../..", import.meta.url)));
const dir = mkdtempSync(path.join(os.tmpdir(), "kiln-classes-"));
after(() => {
  if (!process.env.KILN_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
});

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

write(
  "conf/bblayers.conf",
  `BBPATH = "\${TOPDIR}"\nBBFILES ?= ""\nBBLAYERS = "${repo}/layers/meta-kiln \${TOPDIR}/meta-t"\n`,
);
write(
  "conf/local.conf",
  [
    'PACKAGE_CLASSES = "package_deb"',
    "# The build machine's C library (no image boots here).",
    'BASE_DEFAULT_DEPS = ""',
    "",
  ].join("\n"),
);
write(
  "meta-t/conf/layer.conf",
  'BBPATH .= ":${LAYERDIR}"\nBBFILES += "${LAYERDIR}/recipes/*/*.bb"\nBBFILE_COLLECTIONS += "t"\nBBFILE_PATTERN_t = "^${LAYERDIR}/"\nLAYERSERIES_COMPAT_t = "kiln"\n',
);
write(
  "meta-t/recipes/mesonapp/files/meson.build",
  "project('mesonapp', 'c')\nexecutable('mesonapp', 'main.c', install: true)\n",
);
write(
  "meta-t/recipes/mesonapp/files/main.c",
  '#include <stdio.h>\nint main(void) { puts("built with meson"); return 0; }\n',
);
write(
  "meta-t/recipes/mesonapp/mesonapp_1.0.bb",
  'LICENSE = "MIT"\nSRC_URI = "file://meson.build file://main.c"\nS = "${UNPACKDIR}"\ninherit meson\n',
);
write(
  "meta-t/recipes/autoapp/files/configure",
  [
    "#!/bin/sh",
    "# A configure script in the autotools manner: options in, Makefile out (in the build directory).",
    'prefix=/usr; srcdir=$(dirname "$0")',
    'for arg; do case "$arg" in --prefix=*) prefix=${arg#--prefix=};; esac; done',
    "cat > Makefile <<EOT",
    "autoapp: $srcdir/autoapp.c",
    "\t\\$(CC) \\$(CFLAGS) -DPREFIX='\"$prefix\"' -o autoapp $srcdir/autoapp.c",
    "install: autoapp",
    "\tinstall -D -m 0755 autoapp \\$(DESTDIR)$prefix/bin/autoapp",
    "EOT",
    "",
  ].join("\n"),
);
write(
  "meta-t/recipes/autoapp/files/autoapp.c",
  '#include <stdio.h>\nint main(void) { puts("configured for " PREFIX); return 0; }\n',
);
write(
  "meta-t/recipes/autoapp/autoapp_1.0.bb",
  [
    'LICENSE = "MIT"',
    'SRC_URI = "file://configure file://autoapp.c"',
    'S = "${UNPACKDIR}"',
    "inherit autotools",
    "do_configure:prepend () {",
    "    chmod +x ${S}/configure",
    "}",
    "",
  ].join("\n"),
);
write(
  "meta-t/recipes/svc/svc_1.0.bb",
  [
    'LICENSE = "MIT"',
    'S = "${UNPACKDIR}"',
    "inherit useradd",
    'GROUPADD_PARAM:${PN} = "-g 1234 svc"',
    'USERADD_PARAM:${PN} = "-u 1234 -g svc -d /var/lib/svc -r -s /bin/false svc"',
    "do_install () {",
    "    install -d -m 0750 ${D}/var/lib/svc",
    "    echo state > ${D}/var/lib/svc/data",
    "    chown -R 1234:1234 ${D}/var/lib/svc",
    "}",
    'FILES:${PN} = "/var/lib/svc"',
    "",
  ].join("\n"),
);
// A library and a program built against it: headers, library and .pc file reach the program's
// recipe sysroot through DEPENDS; pkg-config finds them there; the program's package depends on
// the library's at run time because of the shared library it needs.
write(
  "meta-t/recipes/libgreet/files/greet.c",
  '#include <stdio.h>\nvoid greet(const char *who) { printf("greetings, %s\\n", who); }\n',
);
write("meta-t/recipes/libgreet/files/greet.h", "void greet(const char *who);\n");
write(
  "meta-t/recipes/libgreet/libgreet_1.0.bb",
  [
    'LICENSE = "MIT"',
    'SRC_URI = "file://greet.c file://greet.h"',
    'S = "${UNPACKDIR}"',
    "do_compile () {",
    "    ${CC} ${CFLAGS} -fPIC -shared -Wl,-soname,libgreet.so.1 ${LDFLAGS} greet.c -o libgreet.so.1",
    "}",
    "do_install () {",
    "    install -D -m 0644 greet.h ${D}${includedir}/greet.h",
    "    install -D -m 0755 libgreet.so.1 ${D}${libdir}/libgreet.so.1",
    "    ln -s libgreet.so.1 ${D}${libdir}/libgreet.so",
    "    install -d ${D}${libdir}/pkgconfig",
    "    printf 'prefix=/usr\\nName: greet\\nDescription: greetings\\nVersion: 1.0\\nCflags: -I${includedir}\\nLibs: -L${libdir} -lgreet\\n' > ${D}${libdir}/pkgconfig/greet.pc",
    "}",
    "",
  ].join("\n"),
);
write(
  "meta-t/recipes/greetapp/files/main.c",
  '#include <greet.h>\nint main(void) { greet("kiln"); return 0; }\n',
);
write(
  "meta-t/recipes/greetapp/greetapp_1.0.bb",
  [
    'LICENSE = "MIT"',
    'SRC_URI = "file://main.c"',
    'S = "${UNPACKDIR}"',
    'DEPENDS = "libgreet"',
    "inherit pkgconfig",
    "do_compile () {",
    "    ${CC} ${CFLAGS} $(pkg-config --cflags greet) main.c ${LDFLAGS} $(pkg-config --libs greet) -o greetapp",
    "}",
    "do_install () {",
    "    install -D -m 0755 greetapp ${D}${bindir}/greetapp",
    "}",
    "",
  ].join("\n"),
);
write(
  "meta-t/recipes/packagegroup-t/packagegroup-t.bb",
  'SUMMARY = "The test applications"\nLICENSE = "MIT"\ninherit packagegroup\nRDEPENDS:${PN} = "mesonapp autoapp greetapp"\n',
);
write(
  "meta-t/recipes/t-image/t-image.bb",
  [
    'LICENSE = "MIT"',
    "inherit core-image",
    'IMAGE_FEATURES = ""',
    'IMAGE_INSTALL = "packagegroup-t svc"',
    'IMAGE_FSTYPES = "tar.gz oci"',
    'OCI_IMAGE_ENTRYPOINT = "/usr/bin/greetapp"',
    'OCI_IMAGE_ENV_VARS = "GREETING=hi MODE=test"',
    'OCI_IMAGE_PORTS = "8080/tcp"',
    'OCI_IMAGE_LABELS = "org.example.kind=test"',
    'EXTRA_USERS = "tester"',
    "",
  ].join("\n"),
);

function kiln(...args: string[]): Promise<{ status: number | null; out: string }> {
  return runKiln(dir, args);
}

test("an image of meson, autotools and useradd recipes, as .deb packages", async () => {
  requirePrograms("dpkg-deb", "skopeo");
  const r = await kiln("build", "t-image");
  assert.equal(r.status, 0, r.out);
  const tarball = path.join(dir, "tmp/deploy/images/qemux86-64/t-image-qemux86-64.tar.gz");
  const listing = execFileSync("tar", ["-tvzf", tarball, "--numeric-owner"], { encoding: "utf8" });
  assert.match(listing, /\.\/usr\/bin\/mesonapp$/m);
  assert.match(listing, /\.\/usr\/bin\/autoapp$/m);
  assert.match(listing, /^-\S+ 1234\/1234 .* \.\/var\/lib\/svc\/data$/m, "owner given in do_install kept");
  const root = path.join(dir, "unpacked");
  mkdirSync(root);
  execFileSync("tar", ["-xzf", tarball, "-C", root]);
  assert.equal(execFileSync(path.join(root, "usr/bin/mesonapp"), { encoding: "utf8" }), "built with meson\n");
  assert.equal(
    execFileSync(path.join(root, "usr/bin/autoapp"), { encoding: "utf8" }),
    "configured for /usr\n",
  );
  const passwd = readFileSync(path.join(root, "etc/passwd"), "utf8");
  assert.match(passwd, /^svc:x:1234:1234::\/var\/lib\/svc:\/bin\/false$/m, "useradd ran at rootfs time");
  assert.match(passwd, /^tester:x:\d+:\d+:/m, "EXTRA_USERS");
  assert.match(readFileSync(path.join(root, "etc/group"), "utf8"), /^svc:x:1234:/m);
  assert.equal(
    execFileSync(path.join(root, "usr/bin/greetapp"), {
      encoding: "utf8",
      env: { LD_LIBRARY_PATH: path.join(root, "usr/lib") },
    }),
    "greetings, kiln\n",
    "built against libgreet from its recipe sysroot",
  );
  assert.match(listing, /\.\/usr\/lib\/libgreet\.so\.1$/m, "installed because greetapp needs it");
  const greetDeps = execFileSync(
    "dpkg-deb",
    ["--field", path.join(dir, "tmp/deploy/deb/x86_64/greetapp_1.0-r0_amd64.deb"), "Depends"],
    {
      encoding: "utf8",
    },
  );
  assert.match(greetDeps, /^libgreet$/m, "shared-library dependency across recipes");
  // The same root filesystem as an OCI image, configured by OCI_IMAGE_*.
  const oci = path.join(dir, "tmp/deploy/images/qemux86-64/t-image-qemux86-64.oci");
  const inspect = JSON.parse(
    execFileSync("skopeo", ["inspect", `oci:${oci}:latest`], { encoding: "utf8" }),
  ) as {
    Architecture: string;
    Env: string[];
    Labels: Record<string, string>;
  };
  assert.equal(inspect.Architecture, "amd64");
  assert.deepEqual(inspect.Env, ["GREETING=hi", "MODE=test"]);
  assert.deepEqual(inspect.Labels, { "org.example.kind": "test" });
  const ociConfig = JSON.parse(
    execFileSync("skopeo", ["inspect", "--config", `oci:${oci}:latest`], { encoding: "utf8" }),
  ) as {
    config: { Entrypoint: string[]; ExposedPorts: Record<string, unknown> };
  };
  assert.deepEqual(ociConfig.config.Entrypoint, ["/usr/bin/greetapp"]);
  assert.deepEqual(Object.keys(ociConfig.config.ExposedPorts), ["8080/tcp"]);
  const status = readFileSync(path.join(root, "var/lib/dpkg/status"), "utf8");
  for (const pkg of ["mesonapp", "autoapp", "svc", "packagegroup-t", "base-files"])
    assert.match(status, new RegExp(`^Package: ${pkg}\\nStatus: install ok installed`, "m"), pkg);
  const deb = path.join(dir, "tmp/deploy/deb/x86_64");
  const info = execFileSync("dpkg-deb", ["--field", path.join(deb, "svc_1.0-r0_amd64.deb"), "Depends"], {
    encoding: "utf8",
  });
  assert.match(info, /base-files/);
});
