import { describe, expect, it } from "vitest";
import { createSimProvider } from "./index.js";

const sim = createSimProvider({ latencyScale: 0 });
const Q = "Sam has 12 apples. He buys 5 more and gives away 3. How many apples does Sam have now?";
const GRADER = "You are a grader. Grade the answer against the reference answer. Reply with JSON {\"score\": 0..1, \"feedback\": \"...\"}.";

async function grade(answer: string, reference: string | undefined, model = "sim-large", rubric?: string) {
  const user = [`Question: ${Q}`, `Answer: ${answer}`, reference !== undefined ? `Reference: ${reference}` : "", rubric ? `Rubric: ${rubric}` : ""]
    .filter(Boolean)
    .join("\n");
  const r = await sim.complete({ model, messages: [{ role: "system", content: GRADER }, { role: "user", content: user }] });
  return JSON.parse(r.text) as { score: number; feedback: string };
}

describe("judge mode", () => {
  it("grades right and wrong answers against a reference", async () => {
    expect(await grade("14", "14")).toMatchObject({ score: 1 });
    expect((await grade("13", "14")).score).toBe(0);
    expect((await grade("The answer is 14 apples.", "14")).score).toBe(0.8);
    expect((await grade("Sam starts with 12.\n12 + 5 = 17.\nAnswer: 14", "14")).score).toBe(0.8);
    expect((await grade("The answer is 14 apples.", "14", "sim-large", "Answer with only the number.")).score).toBe(0.5);
  });

  it("gives field-level credit for JSON references", async () => {
    const v = await grade('{"name":"Ana Lopez","email":"ana@mail.com","date":"March 3, 2024"}', '{"name":"Ana Lopez","email":"ana@mail.com","date":"2024-03-03"}');
    expect(v.score).toBeCloseTo(0.67, 2);
    expect(v.feedback).toContain('"date" should be "2024-03-03"');
  });

  it("solves the question itself when there is no reference", async () => {
    const r = await sim.complete({
      model: "sim-large",
      messages: [{ role: "user", content: `Evaluate the answer against the rubric.\nRubric: the correct number.\nQuestion: ${Q}\nAnswer: 14` }],
    });
    expect(JSON.parse(r.text).score).toBe(1);
  });

  it("is slightly noisy for weak models but mostly right", async () => {
    let agree = 0;
    for (let i = 0; i < 40; i++) {
      const v = await grade(String(i), String(i % 2 === 0 ? i : i + 1), "sim-small");
      if (v.score === (i % 2 === 0 ? 1 : 0)) agree++;
    }
    expect(agree).toBeGreaterThanOrEqual(30);
    expect(agree).toBeLessThan(40);
  });
});
