/**
 * github.com/google/shlex Split, which flyctl uses to turn a [processes] command line into the
 * machine's init.cmd: whitespace separates words; '...' is literal; "..." allows backslash escapes
 * (the backslash is dropped, the next character kept); a backslash outside quotes escapes the next
 * character; '#' at the start of a word starts a comment up to the end of the line. No variable
 * expansion, no operators: `$PORT` and `&&` stay literal (a shell in the command expands them).
 */
export function shlexSplit(input: string): string[] {
  const words: string[] = [];
  const SPACE = " \t\r\n";
  let i = 0;
  while (i < input.length) {
    const c = input[i];
    if (SPACE.includes(c)) {
      i++;
      continue;
    }
    if (c === "#") {
      while (i < input.length && input[i] !== "\n") i++;
      continue;
    }
    let word = "";
    let state: "word" | "dq" | "sq" = "word";
    for (; i < input.length; i++) {
      const ch = input[i];
      if (state === "word") {
        if (SPACE.includes(ch)) break;
        if (ch === '"') state = "dq";
        else if (ch === "'") state = "sq";
        else if (ch === "\\") {
          if (i + 1 >= input.length) throw new Error("EOF found after escape character");
          word += input[++i];
        } else word += ch;
      } else if (state === "dq") {
        if (ch === '"') state = "word";
        else if (ch === "\\") {
          if (i + 1 >= input.length) throw new Error("EOF found after escape character");
          word += input[++i];
        } else word += ch;
      } else {
        if (ch === "'") state = "word";
        else word += ch;
      }
    }
    if (state !== "word") throw new Error("EOF found when expecting closing quote");
    words.push(word);
  }
  return words;
}
