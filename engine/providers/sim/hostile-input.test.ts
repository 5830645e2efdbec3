import { afterEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../errors.js";
import { configureLimits } from "../../limits.js";
import type { CompletionRequest } from "../types.js";
import { createSimProvider } from "./provider.js";
import { getSimModel } from "./models.js";
import { respond } from "./respond.js";

afterEach(() => configureLimits({}));

// Shapes that made the sim's parsers quadratic (emails, expressions, labelled lines, fenced/tagged prompts).
const SHAPES: Record<string, (n: number) => string> = {
  letters: (n) => "a".repeat(n),
  digits: (n) => "1".repeat(n),
  dots: (n) => "a.".repeat(n / 2),
  dashes: (n) => "-".repeat(n),
  plus: (n) => "1+".repeat(n / 2),
  spaces: (n) => " ".repeat(n),
  newlines: (n) => "\n".repeat(n),
  promptWords: (n) => "improve the prompt ".repeat(n / 19),
  openTags: (n) => "<prompt>".repeat(n / 8) + "</prompt>",
  angles: (n) => "<<<\n" + "\n".repeat(n) + ">>>x",
  example: (n) => `Example${" ".repeat(n)}x`,
};
const WRAPS: Array<(s: string) => CompletionRequest> = [
  (s) => ({ model: "sim-small", messages: [{ role: "user", content: s }] }),
  (s) => ({ model: "sim-small", messages: [{ role: "system", content: "Extract the name, email and date as JSON." }, { role: "user", content: `Email: ${s}` }], responseFormat: "json" }),
  (s) => ({ model: "sim-small", messages: [{ role: "user", content: `Improve the prompt using the feedback.\nCurrent prompt:\n${s}\nExample 1:\nInput: x\nOutput: ${s}\nExpected: y\nFeedback: wrong` }] }),
];

function total(n: number): number {
  const model = getSimModel("sim-small")!;
  const started = performance.now();
  for (const make of Object.values(SHAPES)) for (const wrap of WRAPS) respond(wrap(make(n)), model, 0);
  return performance.now() - started;
}

describe("sim on hostile input", () => {
  it("parses adversarial prompts in linear time (doubling the input about doubles the time)", () => {
    total(2_000); // warm up
    const small = Math.min(total(20_000), total(20_000));
    const large = Math.min(total(40_000), total(40_000));
    // Quadratic parsers quadrupled (e.g. 10K letters: 160 ms, 20K: 640 ms); generous for noise.
    expect(large / small).toBeLessThan(3);
  });

  it("refuses a prompt over simInputChars as a non-retryable 400", async () => {
    const sim = createSimProvider({ latencyScale: 0 });
    const err = await sim.complete({ model: "sim-small", messages: [{ role: "user", content: "a".repeat(100_001) }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ status: 400, retryable: false, message: "the prompt is 100,001 characters; the sim reads at most 100,000 (simInputChars)" });
    configureLimits({ simInputChars: 10 });
    await expect(sim.complete({ model: "sim-small", messages: [{ role: "system", content: "123456" }, { role: "user", content: "12345" }] })).rejects.toThrow(/simInputChars/);
  });

  it("answers a maximal prompt of pathological text", async () => {
    const sim = createSimProvider({ latencyScale: 0 });
    const r = await sim.complete({ model: "sim-small", messages: [{ role: "user", content: "漢".repeat(100_000) }] });
    expect(r.usage.promptTokens).toBeGreaterThan(0);
  });
});
