import { describe, expect, it } from "vitest";
import { isTransientDbError } from "./transient.js";

describe("isTransientDbError", () => {
  it("recognises lock and timeout failures from Prisma and SQLite", () => {
    expect(isTransientDbError(Object.assign(new Error("x"), { code: "P2028" }))).toBe(true);
    expect(isTransientDbError(Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" }))).toBe(true);
    expect(isTransientDbError(new Error("Invalid `tx.candidate.create()` invocation: Operation has timed out"))).toBe(true);
    expect(isTransientDbError(new Error("wrapped", { cause: Object.assign(new Error("busy"), { code: "SQLITE_BUSY_SNAPSHOT" }) }))).toBe(true);
  });

  it("leaves real faults alone", () => {
    expect(isTransientDbError(Object.assign(new Error("Unique constraint failed"), { code: "P2002" }))).toBe(false);
    expect(isTransientDbError(new Error("optimization budget exhausted"))).toBe(false);
    expect(isTransientDbError(undefined)).toBe(false);
    expect(isTransientDbError("SQLITE_CONSTRAINT")).toBe(false);
  });
});
