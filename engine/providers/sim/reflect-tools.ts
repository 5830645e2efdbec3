/**
 * The sim's reflection on tool text (the reflective optimizer's tools operator): given the
 * current tool-use instructions, the tools (name: description) and failing examples, it proposes
 * instructions that tell the model to use the tool that fits, and descriptions that say what they
 * do for the tools whose name or description hints at it, when the failures are of a kind a tool
 * settles (arithmetic). Replies JSON:
 * `{"toolInstructions": "…", "tools": {"name": "description"}}`.
 */
import { detectFeatures } from "./features.js";
import { failureFamily } from "./reflect.js";
import { findFailingExamples } from "./reflect-parse.js";
import { arithmeticMatch, MIN_DESCRIPTION_MATCH, toolUseInstructed } from "./tools.js";

/** Marker line the optimizer's tool reflection request starts with. */
export const TOOL_REFLECTION_MARKER = "Improve the tool-use instructions and tool descriptions";

/** True for a request to improve tool-use instructions and tool descriptions from failures. */
export function isToolReflectionRequest(text: string): boolean {
  return /\bimprove the tool-use instructions\b/i.test(text) && /^\s*tools\s*:/im.test(text) && /\b(?:fail\w*|feedback)\b/i.test(text);
}

/** Sentences the sim adds (generic wording; the tool's name is filled in). */
export const TOOL_USE_EDIT = (tool: string) => `Use the ${tool} tool for every calculation instead of working it out yourself, and answer with its result.`;
export const CALCULATOR_DESCRIPTION_EDIT = "It evaluates an arithmetic expression (addition, subtraction, multiplication and division) exactly.";

function section(text: string, heading: RegExp): string | undefined {
  const m = new RegExp(`${heading.source}\\s*\\n\`\`\`[a-z]*\\n([\\s\\S]*?)\\n?\`\`\``, "i").exec(text);
  return m ? m[1].trim() : undefined;
}

function toolList(text: string): Array<{ name: string; description: string }> {
  const start = text.search(/^\s*tools\s*:\s*$/im);
  if (start < 0) return [];
  const out: Array<{ name: string; description: string }> = [];
  for (const line of text.slice(start).split("\n").slice(1)) {
    const m = /^\s*-\s*([A-Za-z_][A-Za-z0-9_-]{0,63})\s*:\s*(.*)$/.exec(line);
    if (m) out.push({ name: m[1], description: m[2].trim() });
    else if (line.trim() && out.length) break;
  }
  return out;
}

/** The JSON reply to a tool reflection request. */
export function toolReflectReply(text: string): string {
  const current = section(text, /current tool-use instructions\s*:/) ?? "";
  const instructions = current === "(none)" ? "" : current;
  const tools = toolList(text);
  const failures = findFailingExamples(text);
  const families = failures.map((e) => failureFamily(e, detectFeatures(e.input).named));
  const out: { toolInstructions: string; tools: Record<string, string> } = { toolInstructions: instructions, tools: {} };
  if (!families.includes("arithmetic") || tools.length === 0) return JSON.stringify(out);
  const ranked = tools.map((t, i) => ({ ...t, i, score: arithmeticMatch(t.description) })).sort((a, b) => b.score - a.score || a.i - b.i);
  const best = ranked[0];
  if (!toolUseInstructed(instructions)) out.toolInstructions = [instructions, TOOL_USE_EDIT(best.name)].filter(Boolean).join("\n");
  // Tools whose name or description hints at arithmetic but says too little get a description that says it.
  for (const t of tools) {
    const hinted = arithmeticMatch(`${t.name.replace(/[_-]+/g, " ")}. ${t.description}`) >= 1;
    if (hinted && arithmeticMatch(t.description) < MIN_DESCRIPTION_MATCH) out.tools[t.name] = `${t.description.replace(/\.?\s*$/, ".")} ${CALCULATOR_DESCRIPTION_EDIT}`.trim();
  }
  return JSON.stringify(out);
}
