import { describe, expect, it } from "vitest";
import { openDatabase } from "./db.js";
import { correlationIdOf, internalErrorMessage, sanitizeErrorInfo, sanitizeErrorText } from "./safe-errors.js";

describe("sanitizeErrorText", () => {
  it("reduces a real Prisma error to its cause: no invocation header, file path or code frame", async () => {
    const db = await openDatabase({ url: ":memory:" });
    let message = "";
    try {
      await db.prisma.candidate.create({ data: { runId: "nope", index: 0, params: "{}", paramsChecksum: "x", status: "evaluated", split: "validation", parentIds: "[]" } });
    } catch (error) {
      message = (error as Error).message;
    } finally {
      await db.close();
    }
    // The raw message names this file and quotes its source.
    expect(message).toContain(import.meta.filename);
    expect(message).toMatch(/→\s*\d+/);
    const clean = sanitizeErrorText(message);
    expect(clean).toMatch(/^database error: .*foreign key/i);
    expect(clean).not.toContain("/");
    expect(clean).not.toContain("candidate.create");
    expect(clean).not.toMatch(/→|\binvocation\b/);
  });

  it("drops stack frames and absolute paths but keeps URLs and ordinary text", () => {
    const text = [
      "ENOENT: no such file or directory, open '/home/ft/.flowtune/secret.key'",
      "    at Object.openSync (node:fs:573:18)",
      "    at load (/work/main/server/secrets/keyring.ts:40:12)",
      "upstream https://api.example.com/v1/chat/completions answered 502 for model gpt/4o",
      "C:\\Users\\ft\\flowtune\\x.db is locked",
    ].join("\n");
    const clean = sanitizeErrorText(text);
    expect(clean).toBe(
      ["ENOENT: no such file or directory, open '<path>'", "upstream https://api.example.com/v1/chat/completions answered 502 for model gpt/4o", "<path> is locked"].join("\n"),
    );
  });

  it("bounds the length and never returns an empty message", () => {
    expect(sanitizeErrorText("x".repeat(10_000)).length).toBeLessThanOrEqual(2_001);
    expect(sanitizeErrorText("    at f (/a/b.ts:1:1)")).toBe("error");
    expect(sanitizeErrorInfo({ code: "INTERRUPTED", message: "ok", nodeId: "n" })).toEqual({ code: "INTERRUPTED", message: "ok", nodeId: "n" });
  });
});

describe("correlationIdOf", () => {
  it("is stable for an error and every error in its cause chain, and differs between errors", () => {
    const root = new Error("root");
    const wrapper = new Error("wrapped", { cause: root });
    const id = correlationIdOf(wrapper);
    expect(id).toMatch(/^ref_[0-9a-f]{12}$/);
    expect(correlationIdOf(root)).toBe(id);
    expect(correlationIdOf(new Error("outer", { cause: wrapper }))).toBe(id);
    expect(correlationIdOf(new Error("other"))).not.toBe(id);
    expect(internalErrorMessage(id)).toBe(`internal error (ref ${id})`);
  });
});
