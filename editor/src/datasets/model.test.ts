import { describe, expect, it } from "vitest";
import {
  columnUnion,
  datasetFormat,
  defaultDatasetName,
  fileProblem,
  formatBytes,
  formatCell,
  groupDatasets,
  MAX_DATASET_TEXT,
  ratiosProblem,
  splitPercents,
  textProblem,
} from "./model.js";

describe("dataset names from file names", () => {
  it("drops the directory, the extensions and a .dataset suffix", () => {
    expect(defaultDatasetName("qa.dataset.jsonl")).toBe("qa");
    expect(defaultDatasetName("examples/qa.dataset.jsonl")).toBe("qa");
    expect(defaultDatasetName("C:\\data\\tickets.csv")).toBe("tickets");
    expect(defaultDatasetName("Support Tickets.csv")).toBe("Support Tickets");
    expect(defaultDatasetName("reviews_dataset.ndjson")).toBe("reviews");
    expect(defaultDatasetName("eval.v2.jsonl")).toBe("eval.v2");
    expect(defaultDatasetName("rows.json.txt")).toBe("rows");
  });
  it("falls back when nothing is left", () => {
    expect(defaultDatasetName(".jsonl")).toBe("dataset");
    expect(defaultDatasetName("")).toBe("dataset");
  });
  it("names the format the server will parse (CSV by extension, else JSONL)", () => {
    expect(datasetFormat("a.csv")).toBe("CSV");
    expect(datasetFormat("A.CSV")).toBe("CSV");
    expect(datasetFormat("a.jsonl")).toBe("JSONL");
    expect(datasetFormat("a.txt")).toBe("JSONL");
  });
});

describe("upload checks", () => {
  it("refuses empty and oversized files before sending them", () => {
    expect(fileProblem({ name: "a.jsonl", size: 0 })).toMatch(/empty/);
    expect(fileProblem({ name: "a.jsonl", size: 100 })).toBeNull();
    expect(fileProblem({ name: "a.jsonl", size: MAX_DATASET_TEXT * 5 })).toMatch(/at most 10 MB/);
    expect(textProblem("a.jsonl", "  \n")).toMatch(/no rows/);
    expect(textProblem("a.jsonl", "x".repeat(MAX_DATASET_TEXT + 1))).toMatch(/at most 10 MB/);
    expect(textProblem("a.jsonl", '{"a":1}')).toBeNull();
  });
  it("formats sizes", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(2048)).toBe("2.0 KB");
    expect(formatBytes(3 * 1024 * 1024)).toBe("3.0 MB");
  });
});

describe("preview columns", () => {
  it("is the union of keys in first-seen order", () => {
    expect(columnUnion([{ question: "q", expected: "1" }, { question: "q2", note: "n" }, { expected: "3", extra: true }])).toEqual(["question", "expected", "note", "extra"]);
    expect(columnUnion([])).toEqual([]);
  });
  it("shows strings as they are and other values as JSON", () => {
    expect(formatCell("17")).toBe("17");
    expect(formatCell(17)).toBe("17");
    expect(formatCell(null)).toBe("null");
    expect(formatCell({ a: [1] })).toBe('{"a":[1]}');
    expect(formatCell(undefined)).toBe("");
  });
});

describe("dataset list", () => {
  it("groups versions by name, newest first", () => {
    const g = groupDatasets([
      { name: "qa", version: 1 },
      { name: "b", version: 1 },
      { name: "qa", version: 3 },
      { name: "qa", version: 2 },
    ]);
    expect(g.map((x) => [x.name, x.latest.version, x.versions.map((v) => v.version)])).toEqual([
      ["b", 1, [1]],
      ["qa", 3, [3, 2, 1]],
    ]);
  });
});

describe("splits", () => {
  it("gives percentages for the counts bar", () => {
    expect(splitPercents({ train: 16, validation: 12, test: 12 })).toEqual({ train: 40, validation: 30, test: 30 });
    expect(splitPercents({ train: 0, validation: 0, test: 0 })).toEqual({ train: 0, validation: 0, test: 0 });
  });
  it("checks ratios by the optimizer's rules", () => {
    expect(ratiosProblem({ train: 0.4, validation: 0.3, test: 0.3 })).toBeNull();
    expect(ratiosProblem({ train: 0, validation: 1, test: 1 })).toBeNull();
    expect(ratiosProblem({ train: -1, validation: 1, test: 1 })).toMatch(/negative/);
    expect(ratiosProblem({ train: 1, validation: 0, test: 1 })).toMatch(/above 0/);
    expect(ratiosProblem({ train: NaN, validation: 1, test: 1 })).toMatch(/numbers/);
  });
});
