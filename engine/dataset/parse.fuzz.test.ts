/**
 * Property tests of dataset parsing (hostile files): any text either parses to plain objects or
 * is refused with an INPUT_INVALID FlowtuneError naming a line or row — never another error —
 * and a leading byte-order mark never changes the result.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FlowtuneError } from "../errors.js";
import { parseDataset } from "./parse.js";

// Text built from the characters that matter to the parsers, plus anything.
const datasetText = fc.oneof(
  fc.string({ maxLength: 400 }),
  fc.array(fc.oneof(fc.constantFrom('{"a":1}', '"x"', ",", "\n", "\r\n", '""', "\uFEFF", "[1]", "{", "}", "a,b", " "), fc.string({ maxLength: 8 })), { maxLength: 60 }).map((parts) => parts.join("")),
  fc.array(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), { maxLength: 8 }).map((rows) => rows.map((r) => JSON.stringify(r)).join("\n")),
);

/** The rows, or the refusal's message (other errors fail the property). */
function outcome(fileName: string, text: string): { rows: unknown } | { refused: string } {
  try {
    return { rows: parseDataset(fileName, text) };
  } catch (err) {
    expect(err).toBeInstanceOf(FlowtuneError);
    expect((err as FlowtuneError).code).toBe("INPUT_INVALID");
    expect((err as Error).message).toMatch(/line \d+|row \d+|CSV/);
    return { refused: (err as Error).message };
  }
}

describe("dataset parsing properties", () => {
  for (const fileName of ["d.jsonl", "d.csv"]) {
    it(`${fileName}: plain objects or a located INPUT_INVALID, and a BOM changes nothing`, () => {
      fc.assert(
        fc.property(datasetText, (text) => {
          const plain = outcome(fileName, text);
          if ("rows" in plain) for (const r of plain.rows as unknown[]) expect(r !== null && typeof r === "object" && !Array.isArray(r)).toBe(true);
          if (!text.startsWith("\uFEFF")) expect(outcome(fileName, `\uFEFF${text}`)).toEqual(plain);
        }),
        { numRuns: 300, seed: 9 },
      );
    });
  }
});
