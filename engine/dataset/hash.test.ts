import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { datasetHash, rowHash, seededRowHash } from "./hash.js";

describe("dataset hashes", () => {
  const rows = [{ question: "1 + 1?", expected: "2" }, { expected: "4", question: "2 + 2?" }];

  it("is SHA-256 of the canonical JSON, independent of key order", () => {
    expect(datasetHash(rows)).toBe(createHash("sha256").update('[{"expected":"2","question":"1 + 1?"},{"expected":"4","question":"2 + 2?"}]').digest("hex"));
    expect(rowHash({ b: 1, a: { d: 2, c: 3 } })).toBe(rowHash({ a: { c: 3, d: 2 }, b: 1 }));
  });

  it("changes with content and row order", () => {
    expect(datasetHash([rows[1], rows[0]])).not.toBe(datasetHash(rows));
    expect(datasetHash([{ ...rows[0], expected: "3" }, rows[1]])).not.toBe(datasetHash(rows));
    expect(rowHash(rows[0])).toMatch(/^[0-9a-f]{64}$/);
  });

  it("counts a __proto__ key as content (JSON.parse makes it an own property)", () => {
    const [a, b] = ['{"q":"x","__proto__":{"evil":1}}', '{"q":"x","__proto__":{"evil":2}}'].map((t) => JSON.parse(t) as Record<string, unknown>);
    expect(rowHash(a)).not.toBe(rowHash(b));
    expect(rowHash(a)).not.toBe(rowHash({ q: "x" }));
  });

  it("seeds row hashes", () => {
    expect(seededRowHash(rows[0], 1)).not.toBe(seededRowHash(rows[0], 2));
    expect(seededRowHash(rows[0], 1)).toBe(seededRowHash({ expected: "2", question: "1 + 1?" }, "1"));
  });
});
