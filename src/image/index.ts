// kiln's root filesystem and image stage: what OpenEmbedded's do_rootfs and do_image do, without
// a package manager. Everything is synchronous (callers run inside an embedded Python that
// cannot await): child programs run with spawnSync, files are read and written with sync fs.
//
// Ownership: programs that create or archive files (tar for unpacking and for images, the
// postinsts, mke2fs -d, cpio, the home-directory setup) run behind the caller's `fakeroot`
// command prefix, e.g. ["env", "FAKEROOTDONTTRYCHOWN=1", "fakeroot", "-i", STATE, "-s", STATE,
// "--"], so the owners recorded in packages (root, uid 1234...) live in the fakeroot state file
// from step to step although kiln does not run as root. A prefix holding "-s STATE" without
// "-i STATE" gets "-i STATE" once the file exists. An empty prefix is allowed when running as
// root; assembleRootfs and addUsersAndGroups refuse it otherwise. fakeroot sessions that save
// their state are slow to end (over a second here), so they are few: assembleRootfs uses one
// to empty the directory and unpack everything and one for all postinsts, addUsersAndGroups one
// when it creates homes; makeImage loads the state without saving it (archiving changes no owner).
//
// API
//   readFeed(dirs: string[]): FeedPackage[]
//       Parse Packages (else Packages.gz) in each feed directory, in order; ImageError naming a
//       directory without an index. FeedPackage = { name, version, arch, depends (Pre-Depends
//       and Depends clauses as written), provides, recommends, file (absolute), fields }.
//   planInstall(feed, wanted: string[], opts?: { noRecommends?, exclude? }): InstallPlan
//       { order, missing: Array<{ name, neededBy, reason }>, requested }: wanted names (or
//       clauses) resolved through Package and Provides, Depends (and Recommends unless
//       noRecommends) followed transitively; "a | b" takes an alternative already chosen, else
//       the first the feed can satisfy; "(op version)" constraints use Debian version order.
//       order: dependencies before dependents, ties by name. See plan.ts for the rules.
//   assembleRootfs(req: RootfsRequest): { installed: FeedPackage[]; deferredPostinsts: string[] }
//       RootfsRequest = { rootfs, feedDirs, install, noRecommends?, exclude?, fakeroot, log }.
//       Empties rootfs, unpacks every package's data.tar.* in plan order, writes the
//       installed-package database (var/lib/dpkg/status and info/ for .deb, var/lib/opkg/status
//       and info/ for .ipk), runs each postinst on the host with D=<rootfs> (`sh postinst
//       configure`); a failing one is kept in /etc/kiln-postinsts/ for first boot with a
//       warning. Unmet dependencies: ImageError listing each clause and who needs it.
//   addUsersAndGroups(rootfs, { groups, users, fakeroot }): void
//       Add groups ({ name, gid?, system? }) then users ({ name, uid?, gid?: number | group
//       name, home?, shell?, groups?, system?, comment? }) to etc/passwd, group, shadow (and
//       gshadow if present); ids allocated from 999 down (system) or 1000 up; homes created and
//       owned by their user. See users.ts for the rules.
//   makeImage(req: ImageRequest): string
//       ImageRequest = { rootfs, type: "tar" | "tar.gz" | "tar.zst" | "cpio.gz" | "ext4" |
//       "qcow2", output, sourceDateEpoch, fakeroot, extraSpaceMiB?, label?, uuid?,
//       compressionLevel? }. Clamps mtimes in rootfs to sourceDateEpoch, then writes output
//       (returned, absolute) reproducibly: same rootfs contents and epoch, same bytes.
// Errors are ImageError; messages name the file or package and include the failing program's output.

export { compareVersions, satisfiesVersion } from "./debversion.js";
export { ImageError } from "./errors.js";
// For the disk stage (src/disk), which makes partitions from the same root filesystem:
export { makeExt4 } from "./ext4image.js";
export { type FeedPackage, readFeed } from "./feed.js";
export { IMAGE_TYPES, type ImageRequest, type ImageType, makeImage, stableUuid } from "./image.js";
export { clampMtimes } from "./mtimes.js";
export { makeOciImage, type OciConfig, type OciRequest, type OciResult } from "./oci.js";
export { type BundleRequest, makeRuntimeBundle, runtimeSpec } from "./oci-bundle.js";
export {
  type InstallPlan,
  type MissingDependency,
  type PlanOptions,
  planInstall,
  REQUESTED,
} from "./plan.js";
export { DEFERRED_DIR } from "./postinst.js";
export { assembleRootfs, type RootfsRequest, type RootfsResult } from "./rootfs.js";
export { describe as describeCommand, readOnlyPrefix, run, STABLE_ENV, shellQuote, spawn } from "./run.js";
export { type BootRequest, type BootResult, bootAndWatch, type QemuMachine, qemuCommand } from "./runqemu.js";
export { type AccountsRequest, addUsersAndGroups, type GroupSpec, type UserSpec } from "./users.js";
export { type Entry, walkRootfs } from "./walk.js";
