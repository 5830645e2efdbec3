import { describe, expect, it } from "vitest";
import { escapeUnsafe, safeText, unsafeCharacter } from "./text.js";

describe("safeText", () => {
  const name = safeText({ max: 50 });
  it("accepts ordinary text in any script, emoji included", () => {
    for (const s of ["Ticket triage", "Übersicht – v2", "日本語の名前", "نص عربي", "ok 👍🏽"]) expect(name.parse(s)).toBe(s);
  });

  it("refuses NUL, escape sequences, bidi overrides, lone surrogates and (single-line) line breaks", () => {
    for (const s of ["a\u0000b", "red\u001b[31m", "abc\u202Egnp.exe", "x\uD800y", "x\uDC00", "two\nlines", "del\u007F"]) {
      const r = name.safeParse(s);
      expect(r.success, JSON.stringify(s)).toBe(false);
      expect(r.error?.issues[0].message).toMatch(/U\+[0-9A-F]{4} at position \d+/);
    }
  });

  it("allows line breaks and tabs where text is multiline", () => {
    expect(safeText({ max: 100, multiline: true }).parse("line 1\n\tline 2\r\n")).toContain("\t");
    expect(unsafeCharacter("a\u2028b")).toBe("U+2028 at position 1");
  });

  it("still enforces length", () => {
    expect(name.safeParse("x".repeat(51)).success).toBe(false);
  });
});

describe("escapeUnsafe", () => {
  it("shows control, bidi and lone-surrogate characters as \\u{…} and leaves other text alone", () => {
    expect(escapeUnsafe("evil\u001b[2J\u202Ex\uD800 ok 日本 👍")).toBe("evil\\u{1B}[2J\\u{202E}x\\u{D800} ok 日本 👍");
  });

  it("keeps matches of `keep` as they are", () => {
    expect(escapeUnsafe("\u001b[31mred\u001b[0m \u001b[2J", new RegExp(`${String.fromCharCode(27)}\\[(?:31|0)m`))).toBe("\u001b[31mred\u001b[0m \\u{1B}[2J");
  });
});
