import { OUTPUT_LABEL } from "./segment.js";

/** A few-shot demonstration: an input and the output shown for it. */
export interface Demo {
  input: string;
  output: string;
  /** "messages" = a user/assistant pair before the last user message; "inline" = written in the prompt. */
  source: "messages" | "inline";
}

const INPUT_LABEL =
  /^\s*(?:q|question|problem|input|review|ticket|message|text|customer message|email)\s*:\s*(.*)$/i;

/**
 * Finds inline demos ("Q: … / A: …", "Review: … / Sentiment: …") and returns them with the text minus
 * their lines. An input label without a filled-in output (the query itself) is kept in the text.
 */
export function extractInlineDemos(text: string): { demos: Demo[]; rest: string } {
  const lines = text.split("\n");
  const remove = new Set<number>();
  const demos: Demo[] = [];
  let i = 0;
  while (i < lines.length) {
    const inMatch = INPUT_LABEL.exec(lines[i]);
    if (!inMatch) {
      i++;
      continue;
    }
    const start = i;
    const input = [inMatch[1]];
    let j = i + 1;
    while (j < lines.length && lines[j].trim() && !OUTPUT_LABEL.test(lines[j]) && !INPUT_LABEL.test(lines[j])) {
      input.push(lines[j++]);
    }
    const outMatch = j < lines.length ? OUTPUT_LABEL.exec(lines[j]) : null;
    if (!outMatch) {
      i = j > i ? j : i + 1;
      continue;
    }
    const output = [outMatch[1]];
    let k = j + 1;
    // The output runs to the next blank line or the next input label (reasoning demos span lines).
    while (k < lines.length && lines[k].trim() && !INPUT_LABEL.test(lines[k])) output.push(lines[k++]);
    const outText = output.join("\n").trim();
    if (!outText) {
      i = k;
      continue;
    }
    demos.push({ input: input.join("\n").trim(), output: outText, source: "inline" });
    for (let n = start; n < k; n++) remove.add(n);
    i = k;
  }
  return { demos, rest: lines.filter((_, n) => !remove.has(n)).join("\n") };
}
