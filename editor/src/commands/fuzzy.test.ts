import { describe, expect, it } from "vitest";
import { fuzzyFilter, fuzzyScore } from "./fuzzy.js";

describe("fuzzy", () => {
  it("matches subsequences and rejects others", () => {
    expect(fuzzyScore("alay", "Auto-layout")).not.toBeNull();
    expect(fuzzyScore("xyz", "Auto-layout")).toBeNull();
  });
  it("ranks word starts and substrings first", () => {
    const items = ["Add AI node", "Auto-layout", "Save", "Add evaluation node", "Undo"];
    expect(fuzzyFilter(items, "ai", (s) => s)[0]).toBe("Add AI node");
    expect(fuzzyFilter(items, "lay", (s) => s)[0]).toBe("Auto-layout");
    expect(fuzzyFilter(items, "", (s) => s)).toEqual(items);
    expect(fuzzyFilter(items, "eval", (s) => s)).toEqual(["Add evaluation node"]);
  });
});
