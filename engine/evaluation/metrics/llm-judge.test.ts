import { describe, expect, it } from "vitest";
import { createProviderRegistry } from "../../providers/registry.js";
import { createSimProvider } from "../../providers/sim/index.js";
import type { Provider } from "../../providers/types.js";
import type { MetricInput } from "../types.js";
import { judgeMessages, llmJudge, parseJudgeReply } from "./llm-judge.js";

const sim = createSimProvider({ latencyScale: 0 });
const providers = createProviderRegistry([sim]);
const Q = "Sam has 12 apples. He buys 5 more and gives away 3. How many apples does Sam have now?";
const judge = (input: Partial<MetricInput>, registry = providers) =>
  llmJudge.score({ actual: "", caseSensitive: false, rubric: "The answer must be the correct final number.", ...input }, { providers: registry });

describe("llm_judge with the sim provider (default judge sim / sim-medium)", () => {
  it("scores a right answer high and a wrong answer low, with feedback", async () => {
    const right = await judge({ actual: "14", expected: "14", question: Q });
    expect(right.score).toBe(1);
    expect(right.feedback).toMatch(/correct/i);
    const wrong = await judge({ actual: "17", expected: "14", question: Q });
    expect(wrong.score).toBe(0);
    expect(wrong.feedback).toContain('expected "14"');
    const chatty = await judge({ actual: "Sam has 14 apples now.", expected: "14" });
    expect(chatty.score).toBeGreaterThan(0);
    expect(chatty.score).toBeLessThan(1);
  });

  it("grades several right/wrong pairs mostly correctly (the sim judge is slightly noisy)", async () => {
    let agree = 0;
    for (let i = 0; i < 20; i++) {
      const right = await judge({ actual: String(i), expected: String(i) });
      const wrong = await judge({ actual: String(i + 1), expected: String(i) });
      if (right.score >= 0.8) agree++;
      if (wrong.score <= 0.2) agree++;
      expect(right.feedback.length).toBeGreaterThan(0);
      expect(wrong.feedback.length).toBeGreaterThan(0);
    }
    expect(agree).toBeGreaterThanOrEqual(34);
  });

  it("solves the question itself when there is no reference", async () => {
    expect((await judge({ actual: "14", question: Q })).score).toBe(1);
    expect((await judge({ actual: "13", question: Q })).score).toBe(0);
  });

  it("uses the configured judge model and reports its usage and cost", async () => {
    const r = await judge({ actual: "14", expected: "14", judge: { provider: "sim", model: "sim-large" } });
    expect(r.usage!.totalTokens).toBeGreaterThan(0);
    expect(r.costUsd).toBeGreaterThan(0);
    await expect(judge({ actual: "14", expected: "14", judge: { provider: "sim", model: "gpt-9" } })).rejects.toThrow();
  });

  it("names an unknown judge provider", async () => {
    await expect(judge({ actual: "1", judge: { provider: "nope", model: "x" } })).rejects.toThrow(/unknown judge provider "nope" \(available: sim\)/);
  });

  it("fails clearly when the judge reply has no score", async () => {
    const chatty: Provider = {
      id: "chatty",
      complete: async (req) => ({ text: "Looks fine to me!", usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, latencyMs: 0, finishReason: "stop", model: req.model }),
    };
    await expect(judge({ actual: "1", judge: { provider: "chatty", model: "m" } }, createProviderRegistry([chatty]))).rejects.toThrow(/replied without a score/);
  });

  it("puts the answer last so a multi-line answer stays whole", () => {
    const [system, user] = judgeMessages({ actual: "Step 1\nAnswer: 14", expected: "14", rubric: "Correct number.", question: Q });
    expect(system.role).toBe("system");
    expect(user.content).toBe(`Rubric: Correct number.\nQuestion: ${Q}\nReference: 14\nAnswer: Step 1\nAnswer: 14`);
  });
});

describe("parseJudgeReply", () => {
  it("reads JSON, alternative keys, 0–10 and 0–100 scales and score phrases", () => {
    expect(parseJudgeReply('{"score": 0.7, "feedback": "ok"}')).toEqual({ score: 0.7, feedback: "ok" });
    expect(parseJudgeReply('```json\n{"rating": "8", "reason": "mostly right"}\n```')).toEqual({ score: 0.8, feedback: "mostly right" });
    expect(parseJudgeReply('{"score": 85}')!.score).toBe(0.85);
    expect(parseJudgeReply("Score: 1. Perfect.")).toEqual({ score: 1, feedback: "Perfect." });
    expect(parseJudgeReply('{"score": -2}')!.score).toBe(0);
    expect(parseJudgeReply("no idea")).toBeUndefined();
  });
});
