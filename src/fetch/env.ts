// What the fetch stage needs to know about the recipe and the build configuration.

export type ChecksumKind = "sha256sum" | "md5sum" | "sha1sum" | "sha384sum" | "sha512sum";

export interface FetchEnv {
  /** DL_DIR: where downloads and git mirrors are kept. */
  dlDir: string;
  /** FILESPATH split on ':' — the search order for relative file:// URLs. */
  filesPath: string[];
  /** BB_NO_NETWORK == "1". */
  noNetwork: boolean;
  /** PREMIRRORS, raw value. */
  premirrors: string;
  /** MIRRORS, raw value. */
  mirrors: string;
  /** BB_STRICT_CHECKSUM: "1" = a missing checksum is an error, "ignore" = accepted silently, else a warning. */
  strictChecksum: string;
  /** SRCREV for a URL's name= (the caller reads SRCREV_<name>, then SRCREV). */
  srcrev(name: string): string | undefined;
  /** SRC_URI[<name>.<kind>] (SRC_URI[<kind>] for the name "default"). */
  checksum(name: string, kind: ChecksumKind): string | undefined;
  /** Progress and notes for the task log. */
  log(line: string): void;
  warn(line: string): void;
}
