// Kickstart files (src/disk): statements, options, units and defaults as wic reads them, the
// errors bad input gets (file and line first), and the layout rules (identifiers, offsets,
// root device, fstab lines, the sfdisk script). No disk is written here; see
// test/integration/disk.test.ts for that.

import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { DiskError, findKickstart, parseKickstart } from "../../src/disk/index.js";
import { assignIds, fstabLines, placePartitions, rootDevice } from "../../src/disk/layout.js";
import { excluded } from "../../src/disk/stage.js";
import { sfdiskScript } from "../../src/disk/table.js";
import { splitWords } from "../../src/disk/words.js";

const dir = mkdtempSync(path.join(tmpdir(), "kiln-wks-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const parse = (text: string, getVar?: (n: string) => string | undefined) =>
  parseKickstart("/l/wic/x.wks", text, { getVar });

function failsWith(text: string, pattern: RegExp, line = 1): void {
  assert.throws(
    () => parse(text),
    (e: unknown) => {
      assert.ok(e instanceof DiskError, String(e));
      assert.match(e.message, new RegExp(`^/l/wic/x\\.wks:${line}: `));
      assert.match(e.message, pattern);
      return true;
    },
  );
}

describe("words", () => {
  test("quotes and backslashes as shlex.split reads them", () => {
    assert.deepEqual(splitWords(`part / --append "a b" 'c d' e\\ f --x="g \\"h\\""`), [
      "part",
      "/",
      "--append",
      "a b",
      "c d",
      "e f",
      '--x=g "h"',
    ]);
    assert.throws(() => splitWords(`part --label "x`), /no closing quotation/);
  });
});

describe("parseKickstart", () => {
  test("defaults: vfat, sda, msdos, overhead 1.3, 10 MiB extra; sizes in KiB with M the default unit", () => {
    const ks = parse(
      "# comment\n\npart /boot --size 20\npart / --source rootfs --fstype=ext4 --size 1G --align 4096\n",
    );
    assert.equal(ks.bootloader.ptable, "msdos");
    const [boot, rootPart] = ks.partitions;
    assert.equal(boot!.fstype, "vfat");
    assert.equal(boot!.disk, "sda");
    assert.equal(boot!.sizeKiB, 20 * 1024);
    assert.equal(boot!.overheadFactor, 1.3);
    assert.equal(boot!.extraSpaceKiB, 10 * 1024);
    assert.equal(boot!.at.line, 3);
    assert.equal(rootPart!.sizeKiB, 1024 * 1024);
    assert.equal(rootPart!.align, 4096);
    assert.equal(rootPart!.source, "rootfs");
  });

  test("units k, K, M, G; --offset in bytes with K by default and s for sectors", () => {
    const ks = parse(
      "part a --size 100k --offset 8s\npart b --size 3K --offset 1024\npart c --fixed-size 2G\n",
    );
    assert.equal(ks.partitions[0]!.sizeKiB, 100);
    assert.equal(ks.partitions[0]!.offset, 4096);
    assert.equal(ks.partitions[1]!.sizeKiB, 3);
    assert.equal(ks.partitions[1]!.offset, 1024 * 1024);
    assert.equal(ks.partitions[2]!.fixedSizeKiB, 2 * 1024 * 1024);
    assert.equal(ks.partitions[2]!.overheadFactor, 1, "no overhead with --fixed-size");
    assert.equal(ks.partitions[2]!.extraSpaceKiB, 0);
  });

  test("bootloader, sourceparams, exclude paths, ${VAR} from the image's variables", () => {
    const vars: Record<string, string> = { ROOT_FS: "ext4", CONSOLE: "ttyS0" };
    const ks = parse(
      'bootloader --ptable gpt --timeout 3 --append "console=${CONSOLE} rw ${UNSET}"\n' +
        "part / --source rootfs --fstype ${ROOT_FS} --exclude-path boot/ var/log --exclude-path=tmp --use-uuid\n" +
        'part --source rawcopy --sourceparams="file=u-boot.bin,skip=512,unpack" --part-name uboot\n',
      (n) => vars[n],
    );
    assert.deepEqual(ks.bootloader, {
      at: { file: "/l/wic/x.wks", line: 1 },
      ptable: "gpt",
      timeout: 3,
      append: "console=ttyS0 rw ${UNSET}",
      diskid: undefined,
    });
    assert.equal(ks.partitions[0]!.fstype, "ext4");
    assert.deepEqual(ks.partitions[0]!.excludePaths, ["boot/", "var/log", "tmp"]);
    assert.equal(ks.partitions[0]!.useUuid, true);
    assert.deepEqual(
      [...ks.partitions[1]!.sourceparams],
      [
        ["file", "u-boot.bin"],
        ["skip", "512"],
        ["unpack", null],
      ],
    );
    assert.equal(ks.partitions[1]!.mountpoint, undefined);
  });

  test("include: the including file's directory first, then the search path; the line numbers are the included file's", () => {
    const a = path.join(dir, "a");
    const b = path.join(dir, "b");
    mkdirSync(a, { recursive: true });
    mkdirSync(b, { recursive: true });
    writeFileSync(path.join(b, "common.wks.inc"), "\npart / --source rootfs --fstype ext4\n");
    writeFileSync(path.join(a, "bad.inc"), "part / --bogus\n");
    const ks = parseKickstart(path.join(a, "top.wks"), "bootloader --ptable gpt\ninclude common.wks.inc\n", {
      searchPath: [b],
    });
    assert.equal(ks.partitions.length, 1);
    assert.deepEqual(ks.partitions[0]!.at, { file: path.join(b, "common.wks.inc"), line: 2 });
    assert.deepEqual(ks.files, [path.join(a, "top.wks"), path.join(b, "common.wks.inc")]);
    assert.throws(
      () => parseKickstart(path.join(a, "top.wks"), "include bad.inc\n"),
      new RegExp(`^DiskError: ${path.join(a, "bad.inc")}:1: unknown option --bogus for part$`),
    );
    assert.throws(
      () => parseKickstart(path.join(a, "top.wks"), "\ninclude nowhere.wks\n"),
      /top\.wks:2: include nowhere\.wks: not found in /,
    );
    writeFileSync(path.join(a, "loop.inc"), "include loop.inc\n");
    assert.throws(() => parseKickstart(path.join(a, "top.wks"), "include loop.inc\n"), /includes itself/);
  });

  test("bad input: the file and line, and what is wrong", () => {
    failsWith("partition / --size 10", /unknown statement "partition"/);
    failsWith("part / --sise 10", /unknown option --sise for part/);
    failsWith("part / --size 10 -x", /unknown option -x/);
    failsWith("part / --size ten", /invalid size: "ten"/);
    failsWith("part / --size", /--size needs a value/);
    failsWith("part / --size 10 --fixed-size 10", /cannot be given together/);
    failsWith("part / --fixed-size 10 --overhead-factor 1.5", /cannot be given with --fixed-size/);
    failsWith("part / --overhead-factor 0.9", /at least 1\.0/);
    failsWith("part / --fstype btrfs", /--fstype btrfs: not one of/);
    failsWith("part / --fstype squashfs --label r", /squashfs has neither/);
    failsWith("part / --fstype erofs --label r", /erofs has no label/);
    failsWith("part / --fstype vfat --fsuuid 0x123456789", /32-bit hexadecimal/);
    failsWith("part / --use-label", /--use-label needs --label/);
    failsWith("part / --exclude-path /etc", /must be relative/);
    failsWith("part / --exclude-path ../x", /must stay inside/);
    failsWith("part / --include-path x", /--include-path is not supported by kiln yet/);
    failsWith("part / --label 'unterminated", /no closing quotation/);
    failsWith("bootloader --ptable aix\npart /", /--ptable aix: not gpt or msdos/);
    failsWith("bootloader --ptable gpt-hybrid\npart /", /gpt-hybrid is not supported by kiln yet/);
    failsWith("bootloader\nbootloader\npart /", /more than one bootloader/, 2);
    failsWith("bootloader --ptable gpt --diskid 12", /a GPT disk id is a GUID/);
    assert.throws(() => parse("bootloader --ptable gpt\n"), /x\.wks: no partitions/);
  });
});

describe("findKickstart", () => {
  test("the first of the names found, along the search path", () => {
    const one = path.join(dir, "one");
    const two = path.join(dir, "two");
    mkdirSync(one, { recursive: true });
    mkdirSync(two, { recursive: true });
    writeFileSync(path.join(two, "img.wks"), "");
    writeFileSync(path.join(two, "img.qemux86-64.wks.in"), "");
    assert.equal(findKickstart(["img.qemux86-64.wks", "img.wks"], [one, two]), path.join(two, "img.wks"));
    assert.equal(
      findKickstart(["img.qemux86-64.wks.in"], [one, two]),
      path.join(two, "img.qemux86-64.wks.in"),
    );
    assert.equal(findKickstart(["missing.wks"], [one, two]), undefined);
  });
});

describe("layout", () => {
  const gpt = parse(
    "bootloader --ptable gpt\n" +
      "part /boot --source bootimg-efi --label ESP --align 1024 --use-uuid\n" +
      "part / --source rootfs --fstype ext4 --label root --align 1024 --use-uuid\n" +
      "part swap --fstype swap --size 8 --use-label --label sw\n" +
      "part /data --fstype ext4 --size 8 --fsoptions noatime --fspassno 2\n",
  );

  test("identifiers are derived from the image's identity: the same each time, different between images", () => {
    const a = assignIds(gpt, "img-qemux86-64");
    assert.deepEqual(assignIds(gpt, "img-qemux86-64"), a);
    const b = assignIds(gpt, "other-qemux86-64");
    assert.notEqual(a.diskId, b.diskId);
    assert.notEqual(a.parts[1]!.uuid, b.parts[1]!.uuid);
    assert.equal(new Set(a.parts.map((p) => p.uuid)).size, 4, "every partition GUID differs");
    assert.match(a.parts[0]!.fsuuid, /^[0-9A-F]{8}$/, "a vfat volume id");
    assert.match(a.parts[1]!.fsuuid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(
      a.parts.map((p) => p.num),
      [1, 2, 3, 4],
    );
  });

  test("given identifiers are kept; msdos PARTUUIDs are the disk signature and the number", () => {
    const ks = parse(
      "bootloader --diskid 0x1234abcd\n" +
        "part /boot --fsuuid 0xbeef --size 8\n" +
        "part / --fstype ext4 --fsuuid 11111111-2222-3333-4444-555555555555 --use-uuid --size 8\n",
    );
    const ids = assignIds(ks, "img");
    assert.equal(ids.diskId, "1234abcd");
    assert.equal(ids.parts[0]!.fsuuid, "0000BEEF");
    assert.equal(ids.parts[1]!.fsuuid, "11111111-2222-3333-4444-555555555555");
    assert.equal(ids.parts[1]!.uuid, "1234abcd-02");
    assert.equal(rootDevice(ks, ids), "PARTUUID=1234abcd-02");
  });

  test("root=: PARTUUID with --use-uuid, else PARTLABEL on GPT, else the device", () => {
    const ids = assignIds(gpt, "img");
    assert.equal(rootDevice(gpt, ids), `PARTUUID=${ids.parts[1]!.uuid}`);
    const labelled = parse("bootloader --ptable gpt\npart / --fstype ext4 --label rootfs --size 8\n");
    assert.equal(rootDevice(labelled, assignIds(labelled, "img")), "PARTLABEL=rootfs");
    const plain = parse("part /boot --size 8\npart / --fstype ext4 --ondisk mmcblk0 --size 8\n");
    assert.equal(rootDevice(plain, assignIds(plain, "img")), "/dev/mmcblk0p2");
  });

  test("fstab lines for every mounted partition but /, as wic writes them", () => {
    const ids = assignIds(gpt, "img");
    const fs = ids.parts[0]!.fsuuid;
    assert.deepEqual(fstabLines(gpt, ids), [
      `UUID=${fs.slice(0, 4)}-${fs.slice(4)}\t/boot\tvfat\tdefaults\t0\t0`,
      "LABEL=sw\tswap\tswap\tdefaults\t0\t0",
      "/dev/sda4\t/data\text4\tnoatime\t0\t2",
    ]);
  });

  test("offsets: after the table, aligned, --offset honoured; the disk ends after GPT's backup", () => {
    const { placed, diskBytes } = placePartitions(gpt, [16384, 30000, 8192, 8192]);
    assert.deepEqual(placed, [
      { start: 2048, size: 32768 },
      { start: 34816, size: 60000 },
      { start: 94816, size: 16384 },
      { start: 111200, size: 16384 },
    ]);
    assert.equal(diskBytes, (111200 + 16384 + 34) * 512);
    const msdos = parse("part a --size 1\npart b --size 1 --offset 64K\n");
    assert.deepEqual(placePartitions(msdos, [1, 1]), {
      placed: [
        { start: 1, size: 2 },
        { start: 128, size: 2 },
      ],
      diskBytes: 130 * 512,
    });
    const overlapping = parse("part a --size 1\npart b --size 1 --offset 64K\npart c --size 1 --offset 1K\n");
    assert.throws(
      () => placePartitions(overlapping, [1, 1, 1]),
      /x\.wks:3: --offset 1K is inside the previous partition/,
    );
  });

  test("the sfdisk script names every identifier, type and attribute", () => {
    const ids = assignIds(gpt, "img");
    const { placed } = placePartitions(gpt, [16384, 30000, 8192, 8192]);
    const lines = sfdiskScript(gpt, ids, placed).split("\n");
    assert.deepEqual(lines.slice(0, 4), [
      "label: gpt",
      `label-id: ${ids.diskId.toUpperCase()}`,
      "unit: sectors",
      "first-lba: 34",
    ]);
    assert.equal(
      lines[4],
      `start=2048, size=32768, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=${ids.parts[0]!.uuid.toUpperCase()}, name="ESP"`,
    );
    assert.match(lines[6]!, /type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F/);
    const mbr = parse(
      "bootloader --diskid 0x01020304\npart /boot --active --size 1\npart / --fstype ext4 --size 1\n",
    );
    const script = sfdiskScript(mbr, assignIds(mbr, "x"), placePartitions(mbr, [1024, 1024]).placed);
    assert.match(script, /^label: dos\nlabel-id: 0x01020304\n/);
    assert.match(script, /start=1, size=2048, type=c, bootable\nstart=2049, size=2048, type=83\n$/);
  });

  test("msdos refuses what it cannot hold", () => {
    const five = parse(Array.from({ length: 5 }, (_, i) => `part /p${i} --size 1`).join("\n"));
    assert.throws(() => assignIds(five, "x"), /x\.wks:5: more than four partitions/);
    const named = parse("part / --part-name r --size 1");
    assert.throws(() => assignIds(named, "x"), /--part-name needs --ptable gpt/);
  });

  test("exclusions: a path and what is under it; with a trailing slash only what is under it", () => {
    assert.equal(excluded("var/log", ["var/log"]), true);
    assert.equal(excluded("var/log/x", ["var/log"]), true);
    assert.equal(excluded("var/logs", ["var/log"]), false);
    assert.equal(excluded("boot", ["boot/"]), false);
    assert.equal(excluded("boot/vmlinuz", ["boot/"]), true);
    assert.equal(excluded("", ["./"]), false);
    assert.equal(excluded("etc", ["./"]), true);
  });
});
