import { describe, expect, it } from "vitest";
import { generateArithmeticRows } from "./tasks/arithmetic-gen.js";
import { createSimProvider } from "./index.js";

const sim = createSimProvider({ latencyScale: 0 });
const rows = generateArithmeticRows(30, 31);
const GRADER = "Grade the answer against the reference answer. Reply with JSON {\"score\": 0..1, \"feedback\": \"...\"}.";

async function evaluate(prompt: string) {
  const failures: string[] = [];
  let exact = 0;
  for (const row of rows) {
    const rendered = prompt.replace("{{ inputs.question }}", row.question);
    const answer = (await sim.complete({ model: "sim-small", messages: [{ role: "user", content: rendered }] })).text;
    if (answer.trim() === row.expected) exact++;
    const judged = await sim.complete({
      model: "sim-large",
      messages: [{ role: "system", content: GRADER }, { role: "user", content: `Question: ${row.question}\nAnswer: ${answer}\nReference: ${row.expected}` }],
    });
    const verdict = JSON.parse(judged.text) as { score: number; feedback: string };
    if (verdict.score < 1) {
      failures.push(`Input: ${row.question}\nOutput: ${answer}\nExpected: ${row.expected}\nFeedback: ${verdict.feedback}`);
    }
  }
  return { exact: exact / rows.length, failures };
}

describe("offline reflective optimization (sim as task model, judge and reflection model)", () => {
  it("improves a bare prompt within a few rounds", async () => {
    let prompt = "{{ inputs.question }}";
    const start = await evaluate(prompt);
    let best = start.exact;
    let failures = start.failures;
    for (let round = 0; round < 4 && failures.length; round++) {
      const request = `Improve the prompt below using the feedback on its failing examples.\n\nCurrent prompt:\n\`\`\`\n${prompt}\n\`\`\`\n\nFailing examples:\n${failures.slice(0, 8).join("\n\n")}`;
      prompt = (await sim.complete({ model: "sim-large", messages: [{ role: "user", content: request }] })).text;
      const next = await evaluate(prompt);
      best = Math.max(best, next.exact);
      failures = next.failures;
    }
    expect(prompt).toContain("{{ inputs.question }}");
    expect(best).toBeGreaterThan(start.exact + 0.2);
  });
});
