// tree-sitter-bash reads two backquote substitutions separated only by blanks ("`a` `b`", in a
// word list or a double-quoted string) as one, running a command named "a` `b", where bash and
// BitBake's shell parser run a and b. Before parsing, an empty substitution "$()" (which runs
// nothing and expands to nothing) is put after the first, and it reads them apart. Backquotes
// are paired as bash pairs them: not inside single quotes, comments or here-document bodies.

/** `text` with "$()" after every backquote substitution that blanks separate from the next. */
export function separateBackquotes(text: string): string {
  let out = "";
  let i = 0;
  let inDouble = false;
  /** Here-documents opened on the current line, skipped once it ends: [delimiter, <<-]. */
  let pending: Array<[string, boolean]> = [];
  while (i < text.length) {
    const c = text[i];
    if (c === "\\") {
      out += text.slice(i, i + 2);
      i += 2;
    } else if (c === "`") {
      const end = closingBackquote(text, i + 1);
      if (end < 0) return out + text.slice(i); // unterminated: left for the parser to report
      out += text.slice(i, end + 1);
      i = end + 1;
      if (/^(?:[ \t]|\\\n)+`/.test(text.slice(i, i + 200))) out += "$()";
    } else if (c === '"') {
      inDouble = !inDouble;
      out += c;
      i++;
    } else if (inDouble) {
      out += c;
      i++;
    } else if (c === "'" || (c === "$" && text[i + 1] === "'")) {
      const end = quoteEnd(text, c === "$" ? i + 2 : i + 1, c === "$");
      out += text.slice(i, end);
      i = end;
    } else if (c === "#" && wordStart(text, i)) {
      const end = lineEnd(text, i);
      out += text.slice(i, end);
      i = end;
    } else if (c === "<" && text.startsWith("<<", i) && text[i + 2] !== "<") {
      const m = /^<<(-?)[ \t]*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z0-9_]+))/.exec(text.slice(i, i + 200));
      if (m) pending.push([m[2] ?? m[3] ?? m[4], m[1] === "-"]);
      const length = m ? m[0].length : 2;
      out += text.slice(i, i + length);
      i += length;
    } else if (c === "\n" && pending.length) {
      let end = i + 1;
      for (const [delimiter, dash] of pending) end = hereDocEnd(text, end, delimiter, dash);
      out += text.slice(i, end);
      i = end;
      pending = [];
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The index of the backquote closing one opened before `start` (-1 when none does). */
function closingBackquote(text: string, start: number): number {
  let j = start;
  while (j < text.length && text[j] !== "`") j += text[j] === "\\" ? 2 : 1;
  return j < text.length ? j : -1;
}

/** Just past the quote closing a '...' (or $'...', where \' does not close it). */
function quoteEnd(text: string, start: number, escapes: boolean): number {
  let j = start;
  while (j < text.length && text[j] !== "'") j += escapes && text[j] === "\\" ? 2 : 1;
  return Math.min(j + 1, text.length);
}

/** Whether a "#" at i starts a comment: it begins a word. */
function wordStart(text: string, i: number): boolean {
  return i === 0 || /[\s;&|()<>]/.test(text[i - 1]);
}

function lineEnd(text: string, i: number): number {
  const end = text.indexOf("\n", i);
  return end < 0 ? text.length : end;
}

/** Just past the line closing a here-document whose body starts at `start` (the end of the
 * text when no line closes it). */
function hereDocEnd(text: string, start: number, delimiter: string, dash: boolean): number {
  let j = start;
  while (j < text.length) {
    const end = lineEnd(text, j);
    const line = text.slice(j, end);
    if ((dash ? line.replace(/^\t+/, "") : line) === delimiter) return Math.min(end + 1, text.length);
    j = end + 1;
  }
  return text.length;
}
