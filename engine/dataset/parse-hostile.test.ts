/** Dataset rows nested past the stack (found by the server fuzz tests: storing one crashed datasets.import with a 500). */
import { describe, expect, it } from "vitest";
import { Deep } from "../testing/markers.js";
import { parseDataset } from "./parse.js";

describe("hostile dataset files", () => {
  it("a JSONL row nested deeper than 64 levels is refused naming the line (storing it would overflow JSON.stringify)", () => {
    const deep = `{"q":${new Deep(50_000, "array").text()}}`;
    expect(() => parseDataset("d.jsonl", `{"q":1}\n${deep}\n`)).toThrow("dataset line 2: nested deeper than 64 levels of arrays and objects");
    expect(parseDataset("d.jsonl", `{"q":${new Deep(60, "array").text()}}`)).toHaveLength(1);
  });
});
