// Packaging and images as meta-kiln's Python reaches them (kiln.package, kiln.package_write,
// kiln.rootfs, kiln.image): the TypeScript built-ins run with the recipe's fakeroot state, so the
// owners do_install gave files are what packages, root filesystems and images record.

import { spawnSync } from "node:child_process";
import path from "node:path";
import type { DataStore } from "../data/index.js";
import { type DiskType, makeDisk, parseBootFiles } from "../disk/index.js";
import { fakerootStateFile, sandboxPrefix } from "../exec/index.js";
import {
  addUsersAndGroups,
  assembleRootfs,
  type ImageType,
  makeImage,
  makeOciImage,
  makeRuntimeBundle,
  type OciConfig,
} from "../image/index.js";
import { checkConfig, describeResult, readKernelConfig, summaryLine } from "../kernel/index.js";
import { type PackageControl, splitPackages, writeDeb, writeFeedIndex, writeIpk } from "../package/index.js";
import { type PythonRuntime, raisingAs } from "../python/index.js";

const fakeroot = (d: DataStore) => sandboxPrefix({ network: true, fakerootState: fakerootStateFile(d) });

/** Failures reach Python as bb.build.FuncFailed with kiln's message. */
const asTaskError = <T>(fn: () => T): T => raisingAs("FuncFailed", fn);

export function providePackageServices(python: PythonRuntime): void {
  const log = (line: string) => python.log("note", line);

  python.provide("package.split", (d, args) => {
    const a = args as {
      installDir: string;
      pkgdDir: string;
      splitDir: string;
      packages: Array<{ name: string; files: string[]; allowEmpty: boolean }>;
      strip: boolean;
      debugPackage: string | null;
      /** The target's binutils (${STRIP}, ${OBJCOPY}, ${READELF}); the host's when not given. */
      tools?: { strip?: string; objcopy?: string; readelf?: string };
    };
    return asTaskError(() =>
      splitPackages({ ...a, debugPackage: a.debugPackage ?? undefined, fakeroot: fakeroot(d), log }),
    );
  });

  python.provide("package.write", (d, args) => {
    const { kind, root, control, outDir } = args as {
      kind: "ipk" | "deb";
      root: string;
      control: PackageControl;
      outDir: string;
    };
    return asTaskError(() => (kind === "ipk" ? writeIpk : writeDeb)(root, control, outDir, fakeroot(d)));
  });

  python.provide("image.rootfs", (d, args) => {
    const a = args as {
      rootfs: string;
      feedDirs: string[];
      kind: "ipk" | "deb";
      install: string[];
      noRecommends: boolean;
      exclude: string[];
      groups: Array<{ name: string; gid?: number }>;
      users: Array<{ name: string; uid?: number; gid?: string; home?: string; shell?: string }>;
      hostname: string;
    };
    return asTaskError(() => {
      for (const dir of a.feedDirs) writeFeedIndex(dir, a.kind);
      const prefix = fakeroot(d);
      const { installed } = assembleRootfs({
        rootfs: a.rootfs,
        feedDirs: a.feedDirs,
        install: a.install,
        noRecommends: a.noRecommends,
        exclude: a.exclude,
        fakeroot: prefix,
        log,
      });
      addUsersAndGroups(a.rootfs, { groups: a.groups, users: a.users, fakeroot: prefix });
      // A fresh prefix: the state file exists now and must be loaded, not overwritten.
      if (a.hostname) writeHostname(a.rootfs, a.hostname, fakeroot(d));
      return installed.map((p) => p.name);
    });
  });

  provideContainerServices(python);

  // A disk image from a kickstart (IMAGE_FSTYPES wic, wic.qcow2, wic.zst); its layout returned.
  python.provide("disk.make", (d, args) => {
    const a = args as {
      wks: string;
      wksText: string | null;
      searchPath: string[];
      rootfs: string;
      deployDir: string;
      identity: string;
      outputs: Array<{ type: DiskType; file: string }>;
      manifest: string;
      sourceDateEpoch: number;
      append: string;
      efiBootFiles: string;
    };
    return asTaskError(() =>
      makeDisk({
        ...a,
        wksText: a.wksText ?? undefined,
        getVar: (name) => {
          const v = d.getVar(name);
          return v === null || v === undefined ? undefined : String(v);
        },
        espFiles: parseBootFiles(a.efiBootFiles, a.deployDir),
        fakeroot: fakeroot(d),
      }),
    );
  });

  python.provide("image.make", (d, args) => {
    const a = args as {
      rootfs: string;
      type: ImageType | "oci";
      output: string;
      sourceDateEpoch: number;
      extraSpaceMiB: number;
      label: string;
      oci?: { tag: string; archive: boolean; config: OciConfig };
    };
    return asTaskError(() => {
      if (a.type !== "oci") return makeImage({ ...a, type: a.type, fakeroot: fakeroot(d) });
      if (!a.oci) throw new Error("an oci image needs its OCI_IMAGE_* settings");
      return makeOciImage({
        rootfs: a.rootfs,
        output: a.output,
        tag: a.oci.tag,
        config: a.oci.config,
        archive: a.oci.archive,
        sourceDateEpoch: a.sourceDateEpoch,
        fakeroot: fakeroot(d),
      });
    });
  });
}

/** The host calls container and VM host images need beyond image.make. */
function provideContainerServices(python: PythonRuntime): void {
  // A kernel .config against fragments: what is not satisfied, one entry per option.
  python.provide("kernel.config_check", (_d, args) => {
    const a = args as { config: string; fragments: string[]; builtin?: boolean };
    return asTaskError(() => {
      const report = checkConfig(readKernelConfig(a.config), a.fragments.map(readKernelConfig), {
        builtin: a.builtin,
      });
      const unmet = report.fragments.flatMap((f) =>
        f.options
          .filter((o) => !o.satisfied)
          .map((o) => ({ fragment: f.fragment, option: o.option, status: o.status, ...describeResult(o) })),
      );
      return { satisfied: report.satisfied, summary: summaryLine(report.summary), unmet };
    });
  });

  python.provide("oci.bundle", (d, args) => {
    const a = args as { layout: string; dest: string; hostname: string; tag?: string };
    return asTaskError(() => makeRuntimeBundle({ ...a, fakeroot: fakeroot(d) }));
  });
}

/** /etc/hostname, written under fakeroot so that it is root's in the image whoever runs kiln. */
function writeHostname(rootfs: string, hostname: string, prefix: string[]): void {
  const file = path.join(rootfs, "etc", "hostname");
  const argv = [
    ...prefix,
    "sh",
    "-c",
    'mkdir -p "$(dirname "$2")" && printf "%s\\n" "$1" > "$2"',
    "sh",
    hostname,
    file,
  ];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`could not write ${file}: ${r.stderr}`);
}
