// The shapes shared by the sstate cache modules.

/** Which task's outputs an entry holds. `hash` is the task hash (hex), `task` e.g. "do_install". */
export interface SstateKey {
  pn: string;
  task: string;
  hash: string;
}

/**
 * One directory a task declared as output, as an absolute path on this machine (e.g. ${D}).
 * Archives record output directories by their index in the list, never by path, so another
 * build directory restores them into its own paths.
 */
export interface OutputDir {
  path: string;
}

export interface SstateConfig {
  /** SSTATE_DIR: where entries are stored, and where entries fetched from mirrors are kept. */
  dir: string;
  /** The raw SSTATE_MIRRORS value: whitespace-separated "REGEX URL" pairs. */
  mirrors: string;
  /** Receives one short line per event worth telling the user about. */
  log?: (line: string) => void;
  /** How long a mirror may stay silent (waiting for headers, or between body chunks); default 30 s. */
  timeoutMs?: number;
  /**
   * Words put before tar (e.g. `fakeroot -i STATE -s STATE --`), so that the owners a [fakeroot]
   * task gave its files are what the archive records and what a restore gives them back.
   */
  tarPrefix?: string[];
}

export type StoreResult = "stored" | "present";

export type RestoreResult =
  | { status: "restored"; from: string }
  | { status: "missing" }
  | { status: "corrupt"; reason: string };
