import { describe, expect, it } from "vitest";
import { KIND_INFO } from "../document/defaults.js";
import { filterKinds, PALETTE_STATE_KEY, readPaletteOpen, writePaletteOpen } from "./filter.js";

const labels = (q: string) => filterKinds(KIND_INFO, q).map((k) => k.kind);

describe("palette search", () => {
  it("matches the name, the kind and the description, case-insensitively", () => {
    expect(labels("")).toEqual(KIND_INFO.map((k) => k.kind));
    expect(labels("OUT")).toEqual(["output", "router"]);
    expect(labels("language model")).toEqual(["ai"]);
    expect(labels("branches")).toEqual(["router", "aggregate"]);
    expect(labels("eval")).toEqual(["evaluation"]);
  });

  it("puts kinds whose name starts with the query first", () => {
    // "a": AI and Aggregate start with it; others only contain it.
    const r = labels("a");
    expect(r.slice(0, 2)).toEqual(["ai", "aggregate"]);
    expect(r.length).toBeGreaterThan(2);
  });

  it("needs every word and finds nothing for nonsense", () => {
    expect(labels("metric answer")).toEqual(["evaluation"]);
    expect(labels("zzz")).toEqual([]);
    expect(labels("   ")).toEqual(KIND_INFO.map((k) => k.kind));
  });
});

describe("palette open state", () => {
  it("defaults to open, remembers collapsed, and survives a storage that throws", () => {
    const mem = new Map<string, string>();
    const storage = { getItem: (k: string) => mem.get(k) ?? null, setItem: (k: string, v: string) => void mem.set(k, v) };
    expect(readPaletteOpen(storage)).toBe(true);
    writePaletteOpen(false, storage);
    expect(mem.get(PALETTE_STATE_KEY)).toBe("collapsed");
    expect(readPaletteOpen(storage)).toBe(false);
    writePaletteOpen(true, storage);
    expect(readPaletteOpen(storage)).toBe(true);
    const broken = { getItem: () => { throw new Error("denied"); }, setItem: () => { throw new Error("denied"); } };
    expect(readPaletteOpen(broken)).toBe(true);
    expect(() => writePaletteOpen(false, broken)).not.toThrow();
  });
});
