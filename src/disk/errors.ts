// The one error type of the disk stage. A kickstart problem names the .wks file and line first
// ("FILE:LINE: what is wrong"), as wic's KickStartError does, so the user can go straight to it.

export interface WksLocation {
  file: string;
  line: number;
}

export class DiskError extends Error {
  override name = "DiskError";
  readonly location?: WksLocation;

  constructor(message: string, location?: WksLocation) {
    super(location ? `${location.file}:${location.line}: ${message}` : message);
    this.location = location;
  }
}
