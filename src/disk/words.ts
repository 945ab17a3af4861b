// Splitting a kickstart line into words the way wic does (Python's shlex.split in POSIX mode):
// blanks separate words, '...' is literal, "..." keeps blanks and lets a backslash escape
// \ " $ ` (and newline), a backslash elsewhere escapes the next character. A '#' inside a line
// is an ordinary character (only lines starting with '#' are comments, see wks.ts).

export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "\\") {
      if (i + 1 < line.length) word += line[++i];
      continue;
    }
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error("no closing quotation");
      word += line.slice(i + 1, end);
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === "\\" && j + 1 < line.length && '\\"$`\n'.includes(line[j + 1]!)) j++;
        word += line[j];
      }
      if (j >= line.length) throw new Error("no closing quotation");
      i = j;
      continue;
    }
    word += c;
  }
  if (inWord) words.push(word);
  return words;
}
