/** Reads "Label: value" sections (judge and reflection prompts). */

export type SectionKind = "question" | "answer" | "reference" | "rubric" | "prompt" | "examples" | "feedback";

const KINDS: Array<[SectionKind, RegExp]> = [
  ["question", /^(?:question|input|inputs|task|problem|review|ticket|text|message)$/],
  ["answer", /^(?:answer|response|output|candidate|candidate answer|model answer|model output|prediction|actual|submission|generated|generated answer|got)$/],
  ["reference", /^(?:reference|reference answer|expected|expected answer|expected output|gold|gold answer|ground truth|correct answer|target)$/],
  ["rubric", /^(?:rubric|criteria|grading criteria|grading rubric)$/],
  ["prompt", /^(?:current prompt|prompt|current instructions|instructions|original prompt|system prompt)$/],
  ["examples", /^(?:failing examples|failures|examples|failed examples)$/],
  ["feedback", /^(?:feedback|critique|judge feedback|reason|comment|comments)$/],
];

/** Which section kind a label names, if any. */
export function sectionKind(label: string): SectionKind | undefined {
  const l = label.trim().toLowerCase().replace(/\s+/g, " ").replace(/^#+\s*/, "").replace(/\*+/g, "");
  return KINDS.find(([, re]) => re.test(l))?.[0];
}

export interface Section {
  kind: SectionKind;
  text: string;
}

const LABEL_LINE = /^\s*(?:#+\s*)?\**([A-Za-z][A-Za-z ]{0,30}?)\**\s*:\s*(.*)$/;

/**
 * Splits text into labelled sections. A repeated "Answer:" inside an answer section (a reasoning reply's
 * final line) stays part of that answer.
 */
export function readSections(text: string): Section[] {
  const out: Section[] = [];
  let current: Section | undefined;
  for (const line of text.split("\n")) {
    const m = LABEL_LINE.exec(line);
    const kind = m ? sectionKind(m[1]) : undefined;
    if (m && kind && !(current && current.kind === "answer" && kind === "answer")) {
      current = { kind, text: m[2] };
      out.push(current);
    } else if (current) {
      current.text += `\n${line}`;
    }
  }
  return out.map((s) => ({ kind: s.kind, text: s.text.trim() }));
}

/** The last section of a kind. */
export function lastSection(sections: readonly Section[], kind: SectionKind): string | undefined {
  for (let i = sections.length - 1; i >= 0; i--) if (sections[i].kind === kind) return sections[i].text;
  return undefined;
}
