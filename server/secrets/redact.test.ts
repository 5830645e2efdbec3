import { describe, expect, it } from "vitest";
import { REDACTED, SecretRedactor } from "./redact.js";

describe("SecretRedactor", () => {
  it("replaces every occurrence of each known secret", () => {
    const r = new SecretRedactor();
    r.add("hunter2-secret");
    r.add("abc123xyz");
    expect(r.redact("a hunter2-secret b hunter2-secret c abc123xyz")).toBe(`a ${REDACTED} b ${REDACTED} c ${REDACTED}`);
    expect(r.size).toBe(2);
  });

  it("replaces a longer secret whole when it contains a shorter one", () => {
    const r = new SecretRedactor();
    r.add("abcd");
    r.add("abcdefgh");
    expect(r.redact("x abcdefgh y")).toBe(`x ${REDACTED} y`);
  });

  it("ignores too-short values and counts registrations on add/remove", () => {
    const r = new SecretRedactor();
    r.add("abc");
    r.add(null);
    r.add("");
    expect(r.size).toBe(0);
    r.add("shared-key");
    r.add("shared-key");
    r.remove("shared-key");
    expect(r.redact("shared-key")).toBe(REDACTED);
    r.remove("shared-key");
    expect(r.redact("shared-key")).toBe("shared-key");
    r.remove("never-added");
  });

  it("redacts bearer credentials and sk- keys even when unknown", () => {
    const r = new SecretRedactor();
    expect(r.redact("Authorization: Bearer abc.def-123")).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(r.redact("bad key sk-proj-ABCDEFGH12345678 given")).toBe(`bad key ${REDACTED} given`);
    expect(r.redact("sk-short and ask-me")).toBe("sk-short and ask-me");
  });
});
