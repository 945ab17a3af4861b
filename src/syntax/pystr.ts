// Python string semantics that BitBake's parser relies on, reproduced for JavaScript strings.
// JavaScript's \s, \w, trim() and "." differ from Python's in corner cases; metadata must split
// and strip exactly as BitBake does.

/** Characters Python's str.isspace() accepts (and what `\s` matches in a Python str regex). */
export const PY_WS_CLASS =
  "\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
/** Python's `\s` as a JavaScript regex fragment (use with the `u` flag). */
export const PY_WS = `[${PY_WS_CLASS}]`;
/** Python's `\w` for str patterns as a JavaScript regex fragment (use with the `u` flag). */
export const PY_WORD = "[\\p{L}\\p{N}_]";

const wsSet = new Set<string>();
for (const range of [
  [0x09, 0x0d],
  [0x1c, 0x20],
  [0x85, 0x85],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
]) {
  for (let c = range[0]; c <= range[1]; c++) wsSet.add(String.fromCharCode(c));
}

export function isPySpace(ch: string): boolean {
  return wsSet.has(ch);
}

export function pyRstrip(s: string): string {
  let end = s.length;
  while (end > 0 && wsSet.has(s[end - 1])) end--;
  return end === s.length ? s : s.slice(0, end);
}

export function pyLstrip(s: string): string {
  let start = 0;
  while (start < s.length && wsSet.has(s[start])) start++;
  return start === 0 ? s : s.slice(start);
}

export function pyStrip(s: string): string {
  return pyLstrip(pyRstrip(s));
}

/** Python's str.split() with no arguments: split on runs of whitespace, dropping empty pieces. */
export function pySplit(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = s.length;
  while (i < n) {
    while (i < n && wsSet.has(s[i])) i++;
    if (i >= n) break;
    const start = i;
    while (i < n && !wsSet.has(s[i])) i++;
    out.push(s.slice(start, i));
  }
  return out;
}

/**
 * Split text into lines the way Python's text-mode readline() does (universal newlines:
 * "\r\n", "\r" and "\n" all end a line). Returned lines carry no line terminator.
 */
export function pyLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  // A final terminator does not start another line.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}
