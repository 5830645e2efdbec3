import { splitSentences } from "./text.js";

/** Splits a user message into the data to work on and the instructions around it. */

// A line that introduces the data ("Question: …", "Review: …").
const DATA_LABEL =
  /^\s*(?:question|problem|q|review|reviews|ticket|message|customer message|text|input|email|query|data|document)\s*:\s*(.*)$/i;
/** A line that introduces the expected output ("Answer:", "Sentiment:" …); it ends a labelled data block. */
export const OUTPUT_LABEL =
  /^\s*(?:a|answer|final answer|output|sentiment|label|intent|category|json|result|fields|response|extracted)\s*:\s*(.*)$/i;

const IMPERATIVE =
  /^(?:please\s+|now,?\s+|then,?\s+|first,?\s+|finally,?\s+|also,?\s+)?(?:classify|categori[sz]e|label|extract|solve|answer|reply|respond|return|output|think|determine|identify|read|decide|calculate|compute|show|format|write|pay attention|consider|use|give|provide|put|end|begin|list|include|make sure|double-check|verify|check your|be (?:concise|brief|careful|precise)|do not|don't|never|always|only|let's|let us|here is|here are|below is|the following|given|you are|you will|your task|your job|note|remember|important)\b/i;
const META =
  /\b(?:sentiment|intent|json|step[- ]by[- ]step|word problems?|rubric|chain of thought|yyyy-mm-dd|output format|(?:review|ticket|message|question|problem|text) (?:below|above))\b/i;

/** True for a sentence that reads as an instruction to the model rather than task data. */
export function isInstructionSentence(sentence: string): boolean {
  const s = sentence.trim();
  if (!s) return false;
  return IMPERATIVE.test(s) || META.test(s) || /:\s*$/.test(s);
}

function isInstructionParagraph(paragraph: string): boolean {
  const sentences = splitSentences(paragraph.replace(/\n/g, " "));
  return sentences.length > 0 && sentences.every(isInstructionSentence);
}

const LABEL_LIST = /\b(?:positive|negative|neutral|billing|technical|account|shipping)\b.*\b(?:positive|negative|neutral|billing|technical|account|shipping)\b/i;

/** Splits "Classify this review: I love it." into instruction prefix and data suffix. */
function splitColonLine(line: string): [string, string] {
  const m = /^(.{3,160}?):\s+(\S.*)$/.exec(line);
  if (!m || !isInstructionSentence(m[1]) || /@/.test(m[1])) return ["", line];
  const [prefix, suffix] = [m[1], m[2]];
  // "…one word: positive, negative or neutral" and "…as 'Answer: <number>'" are instructions, not data.
  const quoted = (prefix.match(/["'“”‘’`]/g)?.length ?? 0) % 2 === 1;
  if (quoted || /[<{]/.test(suffix) || LABEL_LIST.test(suffix) || isInstructionSentence(suffix)) return [line, ""];
  return [prefix + ":", suffix];
}

export interface Segmented {
  data: string;
  instruction: string;
}

function fromLabel(lines: string[], index: number, labelRest: string): Segmented {
  const dataLines = [labelRest];
  let end = index + 1;
  while (end < lines.length && !OUTPUT_LABEL.test(lines[end])) dataLines.push(lines[end++]);
  const paragraphs = dataLines.join("\n").split(/\n\s*\n/);
  const trailing: string[] = [];
  // Instructions written after the data ("Answer with only the number.") are not data.
  while (paragraphs.length > 1 && isInstructionParagraph(paragraphs[paragraphs.length - 1])) {
    trailing.unshift(paragraphs.pop() as string);
  }
  const instruction = [...lines.slice(0, index), ...trailing, ...lines.slice(end)].join("\n");
  return { data: paragraphs.join("\n\n").trim(), instruction };
}

function stripEdges(paragraph: string, instruction: string[]): string {
  const sentences = splitSentences(paragraph.replace(/\n/g, " "));
  while (sentences.length > 1 && isInstructionSentence(sentences[0])) instruction.push(sentences.shift() as string);
  while (sentences.length > 1 && isInstructionSentence(sentences[sentences.length - 1])) {
    instruction.push(sentences.pop() as string);
  }
  return sentences.join(" ");
}

/** Separates the task data from the instructions in a user message (see docs/sim-provider.md). */
export function segmentData(text: string): Segmented {
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = DATA_LABEL.exec(lines[i]);
    if (m && (m[1].trim() || i + 1 < lines.length)) return fromLabel(lines, i, m[1]);
  }
  const instruction: string[] = [];
  const data: string[] = [];
  const split = lines.map(splitColonLine);
  for (const [prefix] of split) if (prefix) instruction.push(prefix);
  const body = split.map(([, rest]) => rest).join("\n");
  for (const paragraph of body.split(/\n\s*\n/)) {
    if (!paragraph.trim()) continue;
    if (isInstructionParagraph(paragraph)) instruction.push(paragraph);
    else data.push(stripEdges(paragraph, instruction));
  }
  return { data: data.join("\n\n").trim(), instruction: instruction.join("\n") };
}
