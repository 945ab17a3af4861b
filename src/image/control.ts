// Debian-style control text: paragraphs of "Field: value" lines separated by blank lines, a value
// continued on following lines that start with a space or a tab. Used for Packages indexes,
// control files inside packages and the installed-package databases.

import { ImageError } from "./errors.js";

/** One paragraph: field names as written, in their order; continuation lines kept verbatim. */
export type Fields = Record<string, string>;

export function parseControl(text: string, source: string): Fields[] {
  const paragraphs: Fields[] = [];
  let current: Fields | null = null;
  let last: string | null = null;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === "") {
      if (current) paragraphs.push(current);
      current = null;
      last = null;
      continue;
    }
    if (line.startsWith("#")) continue;
    if (line.startsWith(" ") || line.startsWith("\t")) {
      if (!current || last === null) {
        throw new ImageError(`${source}:${i + 1}: continuation line outside a field`);
      }
      current[last] += `\n${line.trimEnd()}`;
      continue;
    }
    const m = /^([^\s:]+):[ \t]*(.*)$/.exec(line);
    if (!m)
      throw new ImageError(`${source}:${i + 1}: expected "Field: value", found ${JSON.stringify(line)}`);
    if (m[1] === "__proto__") {
      last = null;
      continue;
    }
    current ??= {};
    current[m[1]] = m[2].trimEnd();
    last = m[1];
  }
  if (current) paragraphs.push(current);
  return paragraphs;
}

/** A field's value, its name matched without regard to case (as Debian tools do). */
export function fieldOf(fields: Fields, name: string): string | undefined {
  if (Object.hasOwn(fields, name)) return fields[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(fields)) if (key.toLowerCase() === lower) return fields[key];
  return undefined;
}

/** A multi-line value as one line (for relation fields, which may be folded). */
export function foldValue(value: string | undefined): string {
  return (value ?? "").replace(/\s+/g, " ").trim();
}

/** Paragraph text ending with a newline (no blank line after it); a value may start on the next line. */
export function formatParagraph(fields: Fields): string {
  return Object.entries(fields)
    .map(([k, v]) => (v.startsWith("\n") ? `${k}:${v}\n` : `${k}: ${v}\n`))
    .join("");
}
