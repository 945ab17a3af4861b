// Disk images (src/disk) checked with the standard tools: one GPT disk with every kind of
// partition kiln makes (ESP, ext4 root with exclusions and fstab lines, swap, erofs, squashfs,
// rawcopy, an empty ext4, an empty partition), made once from a small root filesystem whose
// owners live in a fakeroot state, then read by sfdisk, sgdisk, fdisk, blkid, fsck.ext4,
// fsck.vfat, debugfs, mtools and qemu-img; a second disk from the same input must be the same
// bytes; bad input fails with the .wks line and writes nothing.

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { type DiskLayout, type DiskRequest, makeDisk } from "../../src/disk/index.js";
import { requirePrograms } from "../helpers/tools.js";

const EPOCH = 1700000000;
const root = mkdtempSync(path.join(tmpdir(), "kiln-disk-"));
after(() => rmSync(root, { recursive: true, force: true }));
const state = path.join(root, "fakeroot.state");
const rootfs = path.join(root, "rootfs");
const ro = path.join(root, "ro");
const deploy = path.join(root, "deploy");
const wks = path.join(root, "wic", "test.wks");

const WKS = `# every source and file system kiln makes
bootloader --ptable gpt --timeout 1 --append "rootwait rw"
part /boot --source bootimg-efi --label ESP --align 1024 --use-uuid
part / --source rootfs --fstype ext4 --label root --align 1024 --use-uuid --exclude-path var/log boot/
part swap --fstype swap --size 4 --label swap --use-uuid --align 1024
part /ro --source rootfs --rootfs-dir ${ro} --fstype erofs --align 1024
part /sq --source rootfs --rootfs-dir ${ro} --fstype squashfs --align 1024
part --source rawcopy --sourceparams file=u-boot.bin --part-name uboot --align 4
part /data --fstype ext4 --size 2 --use-label --label data --align 1024
part --source empty --size 1 --part-name reserved
`;

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: "utf8", input, stdio: ["pipe", "pipe", "pipe"] });
}

function write(file: string, text: string | Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function request(outdir: string, extra: Partial<DiskRequest> = {}): DiskRequest {
  return {
    wks,
    searchPath: [],
    rootfs,
    deployDir: deploy,
    identity: "test-image-qemux86-64",
    outputs: [
      { type: "wic", file: path.join(outdir, "test.wic") },
      { type: "wic.qcow2", file: path.join(outdir, "test.wic.qcow2") },
      { type: "wic.zst", file: path.join(outdir, "test.wic.zst") },
    ],
    manifest: path.join(outdir, "test.wic.json"),
    sourceDateEpoch: EPOCH,
    fakeroot: ["fakeroot", "-i", state, "--"],
    espFiles: [{ source: path.join(deploy, "vmlinuz"), dest: "EFI/kiln/vmlinuz" }],
    ...extra,
  };
}

/** Bytes [start, start+size) of a file, as a file of its own (a partition, extracted). */
function extract(disk: string, start: number, size: number, out: string): string {
  const fd = openSync(disk, "r");
  const buf = Buffer.alloc(size);
  readSync(fd, buf, 0, size, start);
  closeSync(fd);
  writeFileSync(out, buf);
  return out;
}

const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

let layout: DiskLayout;
const out = path.join(root, "out");
const disk = path.join(out, "test.wic");
const part = (mountOrName: string) =>
  layout.partitions.find((p) => p.mountpoint === mountOrName || p.name === mountOrName)!;
const extracted = (name: string) => {
  const p = part(name);
  return extract(disk, p.start, p.size, path.join(root, `p${p.num}.img`));
};

before(() => {
  requirePrograms("fakeroot", "sfdisk", "sgdisk", "fdisk", "blkid", "mkfs.vfat", "mcopy", "mdir");
  requirePrograms("mkfs.erofs", "mksquashfs", "mkswap", "debugfs", "fsck.vfat", "qemu-img", "zstd");
  write(path.join(rootfs, "etc/fstab"), "/dev/root\t/\tauto\tdefaults\t1\t1\n");
  write(path.join(rootfs, "etc/hostname"), "test\n");
  write(path.join(rootfs, "usr/bin/hello"), "#!/bin/sh\necho hello\n");
  write(path.join(rootfs, "home/alice/notes"), "alice's\n");
  write(path.join(rootfs, "var/log/old.log"), "excluded\n");
  write(path.join(rootfs, "boot/vmlinuz"), "contents excluded, directory kept\n");
  write(path.join(ro, "data/readme"), "read-only\n");
  write(path.join(deploy, "vmlinuz"), Buffer.alloc(5000, 7));
  write(path.join(deploy, "u-boot.bin"), Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 251)));
  write(wks, WKS);
  // Owners only the fakeroot state knows (kiln runs unprivileged in general).
  sh("fakeroot", ["-s", state, "--", "chown", "-R", "1234:5678", path.join(rootfs, "home/alice")]);
  layout = makeDisk(request(out));
});

describe("a GPT disk with every source", () => {
  test("the table: sfdisk, sgdisk and fdisk read it, with the layout's identifiers", () => {
    const dump = sh("sfdisk", ["--dump", disk]);
    assert.match(dump, /^label: gpt$/m);
    assert.match(dump, new RegExp(`^label-id: ${layout.diskId}$`, "mi"));
    for (const p of layout.partitions) {
      const line = dump.split("\n").find((l) => l.startsWith(`${disk}${p.num} `));
      assert.ok(line, `partition ${p.num} in\n${dump}`);
      assert.match(
        line,
        new RegExp(`start= *${p.start / 512}, size= *${p.size / 512}, type=${p.type}, uuid=${p.uuid}`, "i"),
      );
    }
    assert.match(dump, /name="ESP"/);
    assert.match(dump, /name="uboot"/);
    assert.match(sh("sgdisk", ["-v", disk]), /No problems found/);
    assert.match(sh("fdisk", ["-l", disk]), /Disklabel type: gpt/);
    assert.equal(layout.partitions.length, 8);
    assert.equal(part("/").start % (1024 * 1024), 0, "--align 1024");
    assert.equal(layout.root, `PARTUUID=${part("/").uuid}`);
    assert.equal(layout.kernelCommandLine, `root=PARTUUID=${part("/").uuid} rootwait rw`);
  });

  test("the root file system: fsck is clean, owners from fakeroot, exclusions, fstab for the other partitions", () => {
    const img = extracted("/");
    sh("fsck.ext4", ["-fn", img]);
    assert.match(sh("blkid", ["-p", "-o", "export", img]), new RegExp(`^UUID=${part("/").fsuuid}$`, "m"));
    const alice = sh("debugfs", ["-R", "stat /home/alice/notes", img]);
    assert.match(alice, /User:\s+1234\s+Group:\s+5678/);
    const ls = sh("debugfs", ["-R", "ls -p /", img]);
    assert.match(ls, /\/boot\//);
    assert.doesNotMatch(sh("debugfs", ["-R", "ls -p /var", img]), /\/log\//);
    assert.doesNotMatch(sh("debugfs", ["-R", "ls -p /boot", img]), /vmlinuz/);
    const fstab = sh("debugfs", ["-R", "cat /etc/fstab", img]);
    const esp = part("/boot").fsuuid!;
    assert.equal(
      fstab,
      "/dev/root\t/\tauto\tdefaults\t1\t1\n" +
        `UUID=${esp.slice(0, 4)}-${esp.slice(4)}\t/boot\tvfat\tdefaults\t0\t0\n` +
        `UUID=${part("swap").fsuuid}\tswap\tswap\tdefaults\t0\t0\n` +
        "/dev/sda4\t/ro\terofs\tdefaults\t0\t0\n" +
        "/dev/sda5\t/sq\tsquashfs\tdefaults\t0\t0\n" +
        "LABEL=data\t/data\text4\tdefaults\t0\t0\n",
    );
    assert.match(sh("debugfs", ["-R", "stat /etc/fstab", img]), /User:\s+0\s+Group:\s+0/);
    assert.equal(
      readFileSync(path.join(rootfs, "etc/fstab"), "utf8"),
      "/dev/root\t/\tauto\tdefaults\t1\t1\n",
    );
    assert.ok(existsSync(path.join(rootfs, "var/log/old.log")), "the image's root filesystem is left alone");
  });

  test("the EFI system partition: vfat with its files, volume id and label; fsck.vfat is clean", () => {
    const img = extracted("/boot");
    sh("fsck.vfat", ["-n", img]);
    const id = part("/boot").fsuuid!;
    const blkid = sh("blkid", ["-p", "-o", "export", img]);
    assert.match(blkid, new RegExp(`^UUID=${id.slice(0, 4)}-${id.slice(4)}$`, "m"));
    assert.match(blkid, /^LABEL=ESP$/m);
    assert.equal(part("/boot").type, "C12A7328-F81F-11D2-BA4B-00A0C93EC93B");
    assert.match(sh("mdir", ["-i", img, "::/EFI/kiln"], undefined), /vmlinuz/);
    const copy = path.join(root, "vmlinuz.copy");
    sh("mcopy", ["-i", img, "::/EFI/kiln/vmlinuz", copy]);
    assert.equal(sha(copy), sha(path.join(deploy, "vmlinuz")));
  });

  test("swap, erofs, squashfs, an empty ext4: the tools recognise each", () => {
    const swap = sh("blkid", ["-p", "-o", "export", extracted("swap")]);
    assert.match(swap, /^TYPE=swap$/m);
    assert.match(swap, /^LABEL=swap$/m);
    assert.match(swap, new RegExp(`^UUID=${part("swap").fsuuid}$`, "m"));
    const erofs = sh("blkid", ["-p", "-o", "export", extracted("/ro")]);
    assert.match(erofs, /TYPE=erofs/);
    assert.match(erofs, new RegExp(`UUID=${part("/ro").fsuuid}`));
    assert.match(sh("blkid", ["-p", "-o", "export", extracted("/sq")]), /TYPE=squashfs/);
    const data = extracted("/data");
    sh("fsck.ext4", ["-fn", data]);
    assert.match(sh("blkid", ["-p", "-o", "export", data]), /LABEL=data/);
  });

  test("rawcopy holds the file's bytes; the empty partition is zeros", () => {
    const raw = readFileSync(extracted("uboot"));
    const src = readFileSync(path.join(deploy, "u-boot.bin"));
    assert.deepEqual(raw.subarray(0, src.length), src);
    assert.ok(readFileSync(extracted("reserved")).every((b) => b === 0));
    assert.equal(part("reserved").size, 1024 * 1024);
  });

  test("qcow2 and zstd forms hold the same disk", () => {
    const info = JSON.parse(sh("qemu-img", ["info", "--output=json", path.join(out, "test.wic.qcow2")])) as {
      format: string;
      "virtual-size": number;
    };
    assert.equal(info.format, "qcow2");
    assert.equal(info["virtual-size"], layout.size);
    sh("qemu-img", ["compare", "-f", "raw", "-F", "qcow2", disk, path.join(out, "test.wic.qcow2")]);
    const unpacked = path.join(root, "unpacked.wic");
    sh("zstd", ["-dqf", path.join(out, "test.wic.zst"), "-o", unpacked]);
    assert.equal(sha(unpacked), sha(disk));
    assert.deepEqual(
      JSON.parse(readFileSync(path.join(out, "test.wic.json"), "utf8")),
      JSON.parse(JSON.stringify(layout)),
    );
  });

  test("the same input gives the same bytes; another image gets other identifiers", () => {
    const again = path.join(root, "again");
    makeDisk(request(again));
    for (const f of ["test.wic", "test.wic.qcow2", "test.wic.zst", "test.wic.json"])
      assert.equal(sha(path.join(again, f)), sha(path.join(out, f)), f);
    const other = path.join(root, "other");
    const otherLayout = makeDisk({
      ...request(other),
      identity: "another-image",
      outputs: [{ type: "wic", file: path.join(other, "o.wic") }],
    });
    assert.notEqual(otherLayout.diskId, layout.diskId);
    assert.notEqual(otherLayout.partitions[1]!.uuid, layout.partitions[1]!.uuid);
  });
});

describe("bad input", () => {
  function refused(text: string, pattern: RegExp): void {
    const bad = path.join(root, "bad");
    rmSync(bad, { recursive: true, force: true });
    write(wks, text);
    try {
      assert.throws(() => makeDisk(request(bad)), pattern);
      assert.ok(!existsSync(path.join(bad, "test.wic")), "nothing written");
    } finally {
      write(wks, WKS);
    }
  }

  test("a partition too small for its content, before anything is written", () => {
    refused(
      "bootloader --ptable gpt\npart / --source rootfs --fstype ext4 --fixed-size 4k\n",
      new RegExp(
        `^DiskError: ${wks}:2: partition too small for its content: \\d+ KiB of files, --fixed-size leaves 4 KiB`,
      ),
    );
  });

  test("a source kiln does not have, a missing rawcopy file, an EFI loader", () => {
    refused(
      "part / --source bootimg-pcbios\n",
      new RegExp(`${wks}:1: --source bootimg-pcbios: kiln has no such source`),
    );
    refused(
      "part --source rawcopy --sourceparams file=nowhere.bin\n",
      /test\.wks:1: rawcopy: .*nowhere\.bin does not exist/,
    );
    refused(
      "bootloader --ptable gpt\npart /boot --source bootimg-efi --sourceparams loader=systemd-boot\n",
      /test\.wks:2: bootimg-efi loader=systemd-boot: kiln does not install EFI boot loaders yet/,
    );
  });

  test("mke2fs running out of room names the line too", () => {
    refused(
      "bootloader --ptable gpt\npart / --source rootfs --fstype ext4 --fixed-size 72k\n",
      new RegExp(`${wks}:2: could not make the / partition: mke2fs`),
    );
  });
});
