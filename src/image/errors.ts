// The one error type of the rootfs and image stage: its message says what failed and why (the
// program's output included), so callers can show it as it is.

export class ImageError extends Error {
  override name = "ImageError";
}
