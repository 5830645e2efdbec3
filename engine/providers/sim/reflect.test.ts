import { describe, expect, it } from "vitest";
import { createSimProvider } from "./index.js";
import { REFLECTION_EDITS, SELF_CHECK_EDIT } from "./reflect-edits.js";

const sim = createSimProvider({ latencyScale: 0 });

type Failure = { input: string; output: string; expected: string; feedback: string };
function reflectionPrompt(prompt: string, failures: Failure[]): string {
  const blocks = failures.map(
    (f, i) => `Example ${i + 1}:\nInput: ${f.input}\nOutput: ${f.output}\nExpected: ${f.expected}\nFeedback: ${f.feedback}`,
  );
  return `Improve the prompt so that it fixes the failing examples. Use the feedback.\n\nCurrent prompt:\n\`\`\`\n${prompt}\n\`\`\`\n\nFailing examples:\n${blocks.join("\n\n")}`;
}
const reflect = async (prompt: string, failures: Failure[]) =>
  (await sim.complete({ model: "sim-large", messages: [{ role: "user", content: reflectionPrompt(prompt, failures) }] })).text;

const Q1 = "Sam has 12 apples. He buys 5 more. How many apples does Sam have now?";
const Q2 = "Mia has 14 marbles. She doubles the collection and then loses 3. How many marbles does Mia have now?";
const chatty: Failure = { input: Q1, output: "The answer is 17 apples.", expected: "17", feedback: "Correct answer, but with extra text." };
const wrong: Failure = { input: Q2, output: "11", expected: "25", feedback: 'Incorrect: expected "25" but the answer says "11".' };

describe("reflection mode", () => {
  it("adds a format instruction when format failures dominate", async () => {
    const out = await reflect("Solve the math word problem.\n\n{{ inputs.question }}", [chatty, chatty, wrong]);
    expect(out).toBe(`Solve the math word problem.\n\n{{ inputs.question }}\n\n${REFLECTION_EDITS.format.arithmetic}`);
  });

  it("adds step-by-step reasoning when wrong arithmetic dominates", async () => {
    const out = await reflect("Solve the math word problem. Answer with only the number.\n\n{{ inputs.question }}", [wrong, wrong, chatty]);
    expect(out.endsWith(REFLECTION_EDITS.wrong.arithmetic)).toBe(true);
  });

  it("adds the task instruction when the prompt does not name the task", async () => {
    const out = await reflect("{{ inputs.question }}", [wrong, wrong]);
    expect(out).toBe(`${REFLECTION_EDITS.task.arithmetic}\n\n{{ inputs.question }}`);
  });

  it("adds self-checking when reasoning is already requested", async () => {
    const out = await reflect("Solve the math word problem. Think step by step.\n\n{{ inputs.question }}", [wrong]);
    expect(out.endsWith(SELF_CHECK_EDIT)).toBe(true);
  });

  it("drops visible reasoning when exact answers fail on format", async () => {
    const cot: Failure = { input: Q1, output: "12 + 5 = 17.\nAnswer: 17", expected: "17", feedback: "Correct final answer, but the reply also contains reasoning." };
    const out = await reflect("Solve the math word problem. Think step by step. Answer with only the number.", [cot, cot]);
    expect(out).toBe("Solve the math word problem. Answer with only the number.");
  });

  it("targets sentiment negations and intent definitions", async () => {
    const neg: Failure = { input: "The kettle is not good. I would not recommend it.", output: "positive", expected: "negative", feedback: "Incorrect." };
    const s = await reflect("Classify the sentiment of the review. Reply with one word.", [neg]);
    expect(s.endsWith(REFLECTION_EDITS.wrong.sentiment)).toBe(true);
    const amb: Failure = { input: "I was charged twice. The app is slow.", output: "technical", expected: "billing", feedback: "Incorrect." };
    const t = await reflect("Classify the intent of the message. Reply with only the label.", [amb]);
    expect(t.endsWith(REFLECTION_EDITS.wrong.intent)).toBe(true);
  });

  it("is deterministic and honours a request for a fenced reply", async () => {
    const text = reflectionPrompt("{{ inputs.question }}", [wrong]) + "\n\nReturn the new prompt within ``` blocks.";
    const a = await sim.complete({ model: "sim-small", messages: [{ role: "user", content: text }] });
    const b = await sim.complete({ model: "sim-small", messages: [{ role: "user", content: text }] });
    expect(a.text).toBe(b.text);
    expect(a.text.startsWith("```\n")).toBe(true);
  });
});

describe("reflection mode with responseFormat json", () => {
  it("wraps the improved prompt as {\"prompt\": …}", async () => {
    const r = await sim.complete({ model: "sim-small", responseFormat: "json", messages: [{ role: "user", content: reflectionPrompt("{{ inputs.question }}", [wrong]) }] });
    expect(JSON.parse(r.text)).toEqual({ prompt: `${REFLECTION_EDITS.task.arithmetic}\n\n{{ inputs.question }}` });
  });
});
