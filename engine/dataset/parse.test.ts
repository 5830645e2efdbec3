import { describe, expect, it } from "vitest";
import { datasetHash, datasetHashCooperatively } from "./hash.js";
import { parseCsv, parseDataset, parseDatasetCooperatively, parseJsonl } from "./parse.js";

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

describe("dataset parsing, hostile and large files", () => {
  it("refuses a CSV header that repeats a column (a later value would silently win)", () => {
    expect(() => parseCsv("q,expected,q\n1,2,3\n")).toThrow(/CSV header: column 3 repeats the name "q"/);
  });

  it("keeps a __proto__ column as data", () => {
    const [row] = parseCsv("__proto__,a\nx,1\n");
    expect(Object.keys(row)).toEqual(["__proto__", "a"]);
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it("the cooperative parse and hash give exactly the sync results, and yield to the event loop on large input", async () => {
    const line = (i: number) => JSON.stringify({ question: `q${i} ${"x".repeat(200)}`, expected: String(i), nested: { b: 1, a: [i, null] } });
    const jsonl = Array.from({ length: 20_000 }, (_, i) => line(i)).join("\r\n");
    const csv = `question,expected\n${Array.from({ length: 20_000 }, (_, i) => `"q${i}, ""quoted""\nline",${i}`).join("\n")}`;
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    try {
      for (const [name, text] of [["d.jsonl", jsonl], ["d.csv", csv]] as const) {
        const sync = parseDataset(name, text);
        turns = 0;
        const rows = await parseDatasetCooperatively(name, text);
        expect(rows).toEqual(sync);
        const hash = await datasetHashCooperatively(rows);
        expect(hash).toBe(datasetHash(sync));
        expect(turns, "the event loop got turns while parsing and hashing").toBeGreaterThan(0);
      }
    } finally {
      clearInterval(timer);
    }
  });
});
