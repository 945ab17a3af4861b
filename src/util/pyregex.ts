// Python regular expressions (BBMASK, BBFILE_PATTERN_*) as JavaScript RegExps. The common syntax
// is shared; Python-only spellings are translated. Patterns stay in JavaScript's non-Unicode
// mode, which accepts the same lenient escapes Python does for the paths these match.

const compiled = new Map<string, RegExp>();
const stickyOf = new WeakMap<RegExp, RegExp>();

/**
 * Translate a Python pattern; throws SyntaxError when it is not a valid expression. The same
 * pattern gives the same RegExp object (callers reset lastIndex, as pyMatch and pySearch do).
 */
export function pyRegExp(pattern: string, flags = ""): RegExp {
  const key = `${flags}\0${pattern}`;
  let regex = compiled.get(key);
  if (!regex) {
    if (compiled.size > 10_000) compiled.clear();
    regex = translate(pattern, flags);
    compiled.set(key, regex);
  }
  return regex;
}

function translate(pattern: string, flags: string): RegExp {
  let source = pattern;
  let extra = "";
  // Global inline flags at the very start: (?i), (?s), (?m), combinations.
  const inline = /^\(\?([aiLmsux]+)\)/.exec(source);
  if (inline) {
    source = source.slice(inline[0].length);
    for (const f of inline[1]) if ("ims".includes(f) && !flags.includes(f) && !extra.includes(f)) extra += f;
  }
  source = source
    .replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, "(?<$1>")
    .replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, "\\k<$1>")
    .replace(/\\A/g, "^")
    .replace(/\\Z/g, "$(?![\\s\\S])");
  return new RegExp(source, flags + extra);
}

/** Python's re.match: does the pattern match at the start of `s`? */
export function pyMatch(regex: RegExp, s: string): boolean {
  let sticky = regex.sticky ? regex : stickyOf.get(regex);
  if (!sticky) {
    sticky = new RegExp(regex.source, `${regex.flags.replace("g", "")}y`);
    stickyOf.set(regex, sticky);
  }
  sticky.lastIndex = 0;
  return sticky.test(s);
}

/** Python's re.search: does the pattern match anywhere in `s`? */
export function pySearch(regex: RegExp, s: string): boolean {
  regex.lastIndex = 0;
  return regex.test(s);
}
