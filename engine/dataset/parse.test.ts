import { describe, expect, it } from "vitest";
import { parseCsv, parseDataset, parseJsonl } from "./parse.js";

describe("dataset parsing", () => {
  it("reads JSONL and names the bad line", () => {
    expect(parseJsonl('{"a":1}\n\n{"a":2}\n')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(() => parseJsonl('{"a":1}\n{oops}')).toThrow(/dataset line 2: invalid JSON/);
    expect(() => parseJsonl("[1,2]")).toThrow(/line 1: expected a JSON object/);
  });
  it("reads CSV with quotes, escaped quotes and embedded newlines", () => {
    const rows = parseCsv('question,expected\r\n"Sam has 3, then 4 ""more""",7\n"multi\nline",x\n');
    expect(rows).toEqual([
      { question: 'Sam has 3, then 4 "more"', expected: "7" },
      { question: "multi\nline", expected: "x" },
    ]);
    expect(() => parseCsv("a,b\n1\n")).toThrow(/CSV row 2: 1 fields, header has 2/);
  });
  it("accepts a UTF-8 byte-order mark on JSONL and CSV alike (and only at the start)", () => {
    const jsonl = '{"question":"2+2?","expected":"4"}\n{"question":"3+3?","expected":"6"}\n';
    expect(parseDataset("d.jsonl", `\uFEFF${jsonl}`)).toEqual(parseDataset("d.jsonl", jsonl));
    expect(parseDataset("d.jsonl", `\uFEFF${jsonl}`)).toHaveLength(2);
    // A quoted header after the mark is still a quoted field.
    expect(parseDataset("d.csv", '\uFEFF"question",expected\n"2+2?",4\n')).toEqual([{ question: "2+2?", expected: "4" }]);
    expect(parseDataset("d.csv", "\uFEFFquestion,expected\n2+2?,4\n")).toEqual([{ question: "2+2?", expected: "4" }]);
    // A mark inside the text is data, not a file header: the second line stays invalid JSON.
    expect(() => parseJsonl('{"a":1}\n\uFEFF{"a":2}')).toThrow(/dataset line 2: invalid JSON/);
  });
  it("picks the parser from the file name", () => {
    expect(parseDataset("d.CSV", "a\n1\n")).toEqual([{ a: "1" }]);
    expect(parseDataset("d.jsonl", '{"a":"1"}')).toEqual([{ a: "1" }]);
  });
});
