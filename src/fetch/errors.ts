// The errors the fetch stage throws. Messages are meant for a task log: one paragraph, no stack
// trace needed to understand what went wrong.

/** A URL could not be fetched, verified or unpacked. */
export class FetchError extends Error {
  readonly url?: string;

  constructor(message: string, url?: string) {
    super(message);
    this.name = "FetchError";
    this.url = url;
  }
}

/** A fetch that needs the network was attempted while BB_NO_NETWORK is set. */
export class NetworkAccessError extends FetchError {
  constructor(command: string, url: string) {
    super(
      `Network access disabled through BB_NO_NETWORK but access requested with command ${command} for url ${url}`,
      url,
    );
    this.name = "NetworkAccessError";
  }
}

/** A downloaded file does not have the checksum the recipe gives (or the recipe gives none). */
export class ChecksumError extends FetchError {
  /** "mismatch": the sums differ; "missing": the recipe gives none and BB_STRICT_CHECKSUM = "1". */
  readonly reason: "mismatch" | "missing";

  constructor(message: string, url: string, reason: "mismatch" | "missing") {
    super(message, url);
    this.name = "ChecksumError";
    this.reason = reason;
  }
}

/** A patch applies neither forward nor (as "already applied") in reverse. */
export class PatchError extends Error {
  readonly patch: string;
  readonly output: string;

  constructor(patch: string, dir: string, output: string) {
    super(`Applying patch ${patch} in ${dir} failed:\n${output.trim()}`);
    this.name = "PatchError";
    this.patch = patch;
    this.output = output;
  }
}
