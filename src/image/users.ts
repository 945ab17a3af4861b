// Users and groups in a root filesystem, as useradd/groupadd would add them on the target:
// etc/passwd, etc/group, etc/shadow (and etc/gshadow when present) edited from kiln, home
// directories created under fakeroot and given to their users.
//
// Rules:
//   - missing files start from a root user and group (root's password locked: "*");
//   - existing users and groups are kept (an explicit id that differs is an error), a user's
//     supplementary groups are still added;
//   - ids not given are allocated deterministically: system ids downwards from 999 (to 101),
//     others upwards from 1000 (to 59999);
//   - a user without gid gets the group of its own name, created when missing (with the
//     user's id as gid when that is free); gid may name a group or give its number;
//   - home defaults to /home/<name> (/nonexistent for system users, never created); a home
//     that does not exist is created mode 0755, owned by the user and its group;
//   - shell defaults to /bin/sh (for system users /sbin/nologin when the rootfs has it, else
//     /bin/false); passwords are locked ("!", "*" for system users).

import { existsSync, readFileSync } from "node:fs";
import { ImageError } from "./errors.js";
import { resolveInRootfs, writeInRootfs } from "./fsutil.js";
import { requireOwnership, run, shellQuote } from "./run.js";

export interface GroupSpec {
  name: string;
  gid?: number;
  /** Allocate from the system range (default: the normal range, as groupadd does). */
  system?: boolean;
}

export interface UserSpec {
  name: string;
  uid?: number;
  /** Primary group: a gid or a group name; default a group named after the user. */
  gid?: number | string;
  home?: string;
  shell?: string;
  /** Supplementary groups (must exist or be created in the same request). */
  groups?: string[];
  system?: boolean;
  /** The GECOS field. */
  comment?: string;
}

export interface AccountsRequest {
  groups: GroupSpec[];
  users: UserSpec[];
  fakeroot: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}\$?$/;

/** A colon-separated database: unknown lines (comments, NIS entries) kept as they are. */
class Table {
  private rows: Array<string[] | string> = [];
  constructor(text: string, width: number) {
    for (const line of text.split("\n")) {
      if (line === "") continue;
      if (line.startsWith("#") || line.startsWith("+") || line.startsWith("-") || !line.includes(":")) {
        this.rows.push(line);
      } else {
        const fields = line.split(":");
        while (fields.length < width) fields.push("");
        this.rows.push(fields);
      }
    }
  }
  private entries(): string[][] {
    return this.rows.filter((r): r is string[] => Array.isArray(r));
  }
  get(name: string): string[] | undefined {
    return this.entries().find((r) => r[0] === name);
  }
  byId(column: number, id: number): string[] | undefined {
    return this.entries().find((r) => r[column] === String(id));
  }
  ids(column: number): Set<number> {
    return new Set(this.entries().map((r) => Number.parseInt(r[column], 10)));
  }
  add(fields: string[]): void {
    this.rows.push(fields);
  }
  names(): string[] {
    return this.entries().map((r) => r[0]);
  }
  text(): string {
    return `${this.rows.map((r) => (Array.isArray(r) ? r.join(":") : r)).join("\n")}\n`;
  }
}

function allocate(used: Set<number>, system: boolean, what: string): number {
  if (system) {
    for (let id = 999; id >= 101; id--) if (!used.has(id)) return id;
  } else {
    for (let id = 1000; id <= 59999; id++) if (!used.has(id)) return id;
  }
  throw new ImageError(`no free ${system ? "system " : ""}id left for ${what}`);
}

function addMember(entry: string[], column: number, user: string): void {
  const members = entry[column] ? entry[column].split(",") : [];
  if (!members.includes(user)) members.push(user);
  entry[column] = members.join(",");
}

function readOr(rootfs: string, p: string, fallback: string): { text: string; existed: boolean } {
  const host = resolveInRootfs(rootfs, p);
  return existsSync(host)
    ? { text: readFileSync(host, "utf8"), existed: true }
    : { text: fallback, existed: false };
}

export function addUsersAndGroups(rootfs: string, req: AccountsRequest): void {
  requireOwnership(req.fakeroot, `adding users to ${rootfs}`);
  const passwdFile = readOr(rootfs, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  const groupFile = readOr(rootfs, "/etc/group", "root:x:0:\n");
  const shadowFile = readOr(rootfs, "/etc/shadow", "");
  const gshadowFile = readOr(rootfs, "/etc/gshadow", "");
  const passwd = new Table(passwdFile.text, 7);
  const group = new Table(groupFile.text, 4);
  const shadow = new Table(shadowFile.text, 9);
  const gshadow = gshadowFile.existed ? new Table(gshadowFile.text, 4) : null;
  if (!shadowFile.existed) {
    for (const name of passwd.names()) shadow.add([name, "*", "", "", "", "", "", "", ""]);
  }
  const homes: Array<{ path: string; uid: number; gid: number; mode: number }> = [];
  if (!passwdFile.existed) homes.push({ path: "/root", uid: 0, gid: 0, mode: 0o700 });

  const addGroup = (name: string, gid: number) => {
    group.add([name, "x", String(gid), ""]);
    gshadow?.add([name, "!", "", ""]);
  };

  for (const g of req.groups) {
    if (!NAME.test(g.name)) throw new ImageError(`invalid group name ${JSON.stringify(g.name)}`);
    const existing = group.get(g.name);
    if (existing) {
      if (g.gid !== undefined && existing[2] !== String(g.gid)) {
        throw new ImageError(`group ${g.name} already exists with gid ${existing[2]}, not ${g.gid}`);
      }
      continue;
    }
    if (g.gid !== undefined && group.byId(2, g.gid)) {
      throw new ImageError(`gid ${g.gid} for group ${g.name} is already used by ${group.byId(2, g.gid)![0]}`);
    }
    addGroup(g.name, g.gid ?? allocate(group.ids(2), g.system ?? false, `group ${g.name}`));
  }

  for (const u of req.users) {
    if (!NAME.test(u.name)) throw new ImageError(`invalid user name ${JSON.stringify(u.name)}`);
    const system = u.system ?? false;
    const existing = passwd.get(u.name);
    if (existing) {
      if (u.uid !== undefined && existing[2] !== String(u.uid)) {
        throw new ImageError(`user ${u.name} already exists with uid ${existing[2]}, not ${u.uid}`);
      }
    } else {
      if (u.uid !== undefined && passwd.byId(2, u.uid)) {
        throw new ImageError(
          `uid ${u.uid} for user ${u.name} is already used by ${passwd.byId(2, u.uid)![0]}`,
        );
      }
      const uid = u.uid ?? allocate(passwd.ids(2), system, `user ${u.name}`);
      let gid: number;
      if (typeof u.gid === "number") {
        if (!group.byId(2, u.gid)) throw new ImageError(`user ${u.name}: no group has gid ${u.gid}`);
        gid = u.gid;
      } else if (typeof u.gid === "string" && u.gid !== "") {
        const g = /^\d+$/.test(u.gid) ? group.byId(2, Number(u.gid)) : group.get(u.gid);
        if (!g) throw new ImageError(`user ${u.name}: group ${u.gid} does not exist`);
        gid = Number.parseInt(g[2], 10);
      } else {
        const own = group.get(u.name);
        if (own) gid = Number.parseInt(own[2], 10);
        else {
          const used = group.ids(2);
          gid = used.has(uid) ? allocate(used, system, `group ${u.name}`) : uid;
          addGroup(u.name, gid);
        }
      }
      const home = u.home ?? (system ? "/nonexistent" : `/home/${u.name}`);
      const nologin = ["/sbin/nologin", "/usr/sbin/nologin"].find((s) =>
        existsSync(resolveInRootfs(rootfs, s)),
      );
      const shell = u.shell ?? (system ? (nologin ?? "/bin/false") : "/bin/sh");
      passwd.add([u.name, "x", String(uid), String(gid), u.comment ?? "", home, shell]);
      if (!shadow.get(u.name)) shadow.add([u.name, system ? "*" : "!", "", "", "", "", "", "", ""]);
      if (home !== "/nonexistent" && home.startsWith("/") && !existsSync(resolveInRootfs(rootfs, home))) {
        homes.push({ path: home, uid, gid, mode: 0o755 });
      }
    }
    for (const name of u.groups ?? []) {
      const g = group.get(name);
      if (!g) throw new ImageError(`user ${u.name}: supplementary group ${name} does not exist`);
      addMember(g, 3, u.name);
      const gs = gshadow?.get(name);
      if (gs) addMember(gs, 3, u.name);
    }
  }

  writeInRootfs(rootfs, "/etc/passwd", passwd.text());
  writeInRootfs(rootfs, "/etc/group", group.text());
  writeInRootfs(rootfs, "/etc/shadow", shadow.text(), 0o600);
  if (gshadow) writeInRootfs(rootfs, "/etc/gshadow", gshadow.text(), 0o600);
  if (homes.length > 0) {
    const script = homes.map((h) => {
      const host = shellQuote(resolveInRootfs(rootfs, h.path));
      return `mkdir -p -- ${host} && chown ${h.uid}:${h.gid} -- ${host} && chmod ${h.mode.toString(8)} -- ${host}`;
    });
    run(["sh", "-c", script.join(" && ")], { prefix: req.fakeroot });
  }
}
