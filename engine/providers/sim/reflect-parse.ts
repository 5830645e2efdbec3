import { sectionKind } from "./sections.js";

/** One failing example as shown to the reflection model. */
export interface FailingExample {
  input: string;
  output: string;
  expected: string;
  feedback: string;
}

/** Reflection mode trigger: asks to improve a prompt and shows failures or feedback. */
export function isReflectionRequest(text: string): boolean {
  const asks = /\b(?:improve|rewrite|revise|refine|optimi[sz]e|update|edit|fix)\b[^.\n]{0,60}\b(?:prompt|instructions?)\b/i.test(text);
  const shows = /\b(?:feedback|fail(?:ed|ing|ure|ures|s)?|mistakes?|errors?)\b/i.test(text);
  // Also needs something to work on, so a ticket that happens to say "fix the instructions" is not a reflection request.
  return asks && shows && (findCurrentPrompt(text) !== undefined || findFailingExamples(text).length > 0);
}

/** The prompt to improve: a fenced block, <prompt> tags, <<< >>>, or the lines after "Current prompt:". */
export function findCurrentPrompt(text: string): string | undefined {
  const fenced = /(?:prompt|instructions?)[^\n`]*\n*\s*```[a-z]*\n([\s\S]*?)\n?```/i.exec(text);
  if (fenced) return fenced[1].trim();
  const tagged = /<(?:current_)?prompt>\s*([\s\S]*?)\s*<\/(?:current_)?prompt>/i.exec(text);
  if (tagged) return tagged[1].trim();
  const angled = /<<<\s*\n([\s\S]*?)\n\s*>>>/.exec(text);
  if (angled) return angled[1].trim();
  const lines = text.split("\n");
  const start = lines.findIndex((l) => {
    const m = /^\s*([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(.*)$/.exec(l);
    return m !== null && sectionKind(m[1]) === "prompt";
  });
  if (start < 0) return undefined;
  const first = /:\s*(.*)$/.exec(lines[start])?.[1] ?? "";
  const body = [first];
  for (let i = start + 1; i < lines.length; i++) {
    const m = /^\s*(?:#+\s*)?([A-Za-z][A-Za-z0-9 ]{0,30}?)\s*:/.exec(lines[i]);
    if (m && (sectionKind(m[1]) || /^example\s*\d*$/i.test(m[1]))) break;
    if (/^\s*(?:example\s*\d+|#{1,3}\s)/i.test(lines[i])) break;
    body.push(lines[i]);
  }
  return body.join("\n").trim();
}

const FIELD: Array<[keyof FailingExample, RegExp]> = [
  ["input", /^(?:input|inputs|question|review|ticket|text|message|problem)$/],
  ["output", /^(?:output|response|answer|actual|model output|generated|prediction|got|model answer)$/],
  ["expected", /^(?:expected|reference|gold|target|correct answer|expected output|expected answer)$/],
  ["feedback", /^(?:feedback|critique|judge feedback|reason|comment|score)$/],
];

/** Reads failing examples from labelled lines; a new input (or "Example N") starts a new example. */
export function findFailingExamples(text: string): FailingExample[] {
  const out: FailingExample[] = [];
  let cur: FailingExample | undefined;
  let field: keyof FailingExample | undefined;
  for (const line of text.split("\n")) {
    if (/^\s*(?:#+\s*)?example\s*\d*\s*:?\s*$/i.test(line)) {
      cur = undefined;
      field = undefined;
      continue;
    }
    const m = /^\s*[-*]?\s*([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(.*)$/.exec(line);
    const label = m?.[1].toLowerCase().trim();
    const f = label ? FIELD.find(([, re]) => re.test(label))?.[0] : undefined;
    if (m && f && !(f === "output" && field === "output")) {
      if (!cur || (f === "input" && cur.input) || cur[f]) {
        cur = { input: "", output: "", expected: "", feedback: "" };
        out.push(cur);
      }
      field = f;
      cur[f] = m[2].trim();
    } else if (cur && field && line.trim()) {
      // Multi-line values (reasoning outputs) continue until the next label; an "Answer:" line stays in the output.
      cur[field] += `\n${line.trim()}`;
    }
  }
  return out.filter((e) => e.output || e.feedback);
}
