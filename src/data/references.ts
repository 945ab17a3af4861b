// Variable references in text: `${NAME}`, where NAME is one or more of the characters BitBake's
// reference pattern allows.

/** BitBake's pattern for one variable reference. */
export const VAR_REF = /\$\{[a-zA-Z0-9\-_+./~:]+\}/;

/** The characters of a name in `${NAME}` (VAR_REF's class), by character code. */
const NAME_CHARS = new Uint8Array(128);
for (const c of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_+./~:")
  NAME_CHARS[c.charCodeAt(0)] = 1;
const isNameChar = (code: number) => code < 128 && NAME_CHARS[code] === 1;
const CLOSE_BRACE = 125;

/**
 * Replace every reference in `s` by what `replace` returns for it (given the whole `${NAME}`),
 * left to right: what a global replace with VAR_REF does, without a regular expression's cost
 * per match. `s` itself when it holds none.
 */
export function replaceReferences(s: string, replace: (reference: string) => string): string {
  let out = "";
  let copied = 0;
  let at = s.indexOf("${");
  while (at !== -1) {
    let end = at + 2;
    while (end < s.length && isNameChar(s.charCodeAt(end))) end++;
    if (end > at + 2 && s.charCodeAt(end) === CLOSE_BRACE) {
      out += s.slice(copied, at) + replace(s.slice(at, end + 1));
      copied = end + 1;
      at = s.indexOf("${", copied);
    } else {
      at = s.indexOf("${", at + 1);
    }
  }
  return copied === 0 ? s : out + s.slice(copied);
}
