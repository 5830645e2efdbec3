import { describe, expect, it } from "vitest";
import { datasetNameCandidates } from "./ref.js";

describe("datasetNameCandidates", () => {
  it("reads an optimizer node's dataset as a name, or a file whose stem is the name", () => {
    expect(datasetNameCandidates("qa")).toEqual(["qa"]);
    expect(datasetNameCandidates("examples/qa.dataset.jsonl")).toEqual(["examples/qa.dataset.jsonl", "qa"]);
    expect(datasetNameCandidates("C:\\data\\tickets.csv")).toEqual(["C:\\data\\tickets.csv", "tickets"]);
    expect(datasetNameCandidates("reviews-dataset.ndjson")).toEqual(["reviews-dataset.ndjson", "reviews"]);
    expect(datasetNameCandidates("v2.dataset")).toEqual(["v2.dataset", "v2"]);
    expect(datasetNameCandidates("dir/")).toEqual(["dir/"]);
  });
});
