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
  // Linear on hostile text: the heading's rest is atomic ((?=(…))\1) and at most 200 characters, and the
  // lazy bodies only run up to the last closing marker (each unclosed opening would rescan to the end).
  const fenced = /(?:prompt|instructions?)(?=([^\n`]{0,200}))\1\s*```[a-z]*\n([\s\S]*?)\n?```/i.exec(text);
  if (fenced) return fenced[2].trim();
  let tagEnd = -1;
  for (const m of text.matchAll(/<\/(?:current_)?prompt>/gi)) tagEnd = m.index + m[0].length;
  const tagged = tagEnd >= 0 ? /<(?:current_)?prompt>([\s\S]*?)<\/(?:current_)?prompt>/i.exec(text.slice(0, tagEnd)) : null;
  if (tagged) return tagged[1].trim();
  const angleEnd = text.lastIndexOf(">>>");
  const angled = angleEnd >= 0 ? /<<<\s*\n([\s\S]*?)\n[^\S\n]*>>>/.exec(text.slice(0, angleEnd + 3)) : null;
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
    if (/^\s*(?:#+\s*)?example(?:\s*\d+)?(?:\s*:)?\s*$/i.test(line)) {
      cur = undefined;
      field = undefined;
      continue;
    }
    // `(?:[-*]\s*)?` rather than `[-*]?\s*`: two adjacent `\s*` are quadratic on a line of spaces.
    const m = /^\s*(?:[-*]\s*)?([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(.*)$/.exec(line);
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
