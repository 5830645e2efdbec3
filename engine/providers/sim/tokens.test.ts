import fc from "fast-check";
import { encode } from "gpt-tokenizer/encoding/cl100k_base";
import { describe, expect, it } from "vitest";
import { countTokens, countTokensAsync, MAX_RUN, tokenPieces, truncateToTokens } from "./tokens.js";

const exact = (s: string) => encode(s, { disallowedSpecial: new Set() }).length;
const PROSE = "The quick brown fox jumps over the lazy dog, 12345 times!\n\nNew paragraph: don't stop — ünïcödé 漢字 😀 ok.\t";

// Median of a few timings, so one GC pause does not decide.
function timed(f: () => void): number {
  const runs = [0, 1, 2].map(() => {
    const t = performance.now();
    f();
    return performance.now() - t;
  });
  return runs.sort((a, b) => a - b)[1];
}

describe("sim tokenizer", () => {
  it("counts normal text exactly as the plain encoder, across slice boundaries", () => {
    const long = PROSE.repeat(2_000); // ~200K characters, many slices
    expect([...tokenPieces(long)].length).toBeGreaterThan(5);
    expect(countTokens(long)).toBe(exact(long));
    expect(countTokens("")).toBe(0);
  });

  it("is exact for any text without runs longer than MAX_RUN (property)", () => {
    const word = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(" ", "  ", "\n", "don't", "12345", "漢字", "😀", "—", "\r\n", "\t"));
    fc.assert(
      fc.property(fc.array(word, { maxLength: 400 }), (parts) => {
        const text = parts.join(" ");
        fc.pre([...text.matchAll(/\p{L}+|\p{N}+|\s+|[^\s\p{L}\p{N}]+/gu)].every((m) => m[0].length <= MAX_RUN));
        expect(countTokens(text)).toBe(exact(text));
      }),
      { numRuns: 200 },
    );
  });

  it("is linear on text without whitespace (was quadratic: 100K letters took 24 s)", () => {
    for (const make of [(n: number) => "a".repeat(n), (n: number) => "漢字".repeat(n / 2), (n: number) => " \n".repeat(n / 2), (n: number) => "!?".repeat(n / 2)]) {
      countTokens(make(20_000)); // warm up
      // Interleaved minimums: a ratio that holds on a loaded machine.
      let small = Infinity;
      let large = Infinity;
      for (let i = 0; i < 3; i++) {
        small = Math.min(small, timed(() => countTokens(make(100_000))));
        large = Math.min(large, timed(() => countTokens(make(200_000))));
      }
      // Linear doubles; quadratic would quadruple.
      expect(large / Math.max(small, 1)).toBeLessThan(3.2);
    }
    const t = performance.now();
    const n = countTokens("x".repeat(1_000_000));
    expect(performance.now() - t).toBeLessThan(10_000);
    // Close to the plain count: cl100k encodes long runs of one letter in 8-letter tokens either way.
    expect(n).toBe(125_000);
  });

  it("async counting yields to the event loop on long pathological text", async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const text = Array.from({ length: 300_000 }, (_, i) => String.fromCharCode(0x4e00 + ((i * 7919) % 2000))).join("");
    const n = await countTokensAsync(text);
    clearInterval(timer);
    expect(n).toBe(countTokens(text));
    expect(ticks).toBeGreaterThan(0);
  });

  it("truncates piecewise with the same result as encoding the whole", () => {
    const long = PROSE.repeat(500);
    const cut = truncateToTokens(long, 1000);
    expect(cut).toMatchObject({ tokens: 1000, truncated: true });
    expect(long.startsWith(cut.text.slice(0, -2))).toBe(true);
    expect(truncateToTokens("hello", 10)).toEqual({ text: "hello", tokens: 1, truncated: false });
  });
});
