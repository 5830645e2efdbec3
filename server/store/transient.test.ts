import { describe, expect, it } from "vitest";
import { isTransientDbError, withDbRetry } from "./transient.js";

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

describe("withDbRetry", () => {
  const busy = () => Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY" });

  it("repeats a write that failed on a busy database until it succeeds", async () => {
    let calls = 0;
    const retries: number[] = [];
    const value = await withDbRetry(
      async () => {
        calls++;
        if (calls < 4) throw busy();
        return "written";
      },
      { onRetry: (_e, attempt) => retries.push(attempt) },
    );
    expect(value).toBe("written");
    expect(calls).toBe(4);
    expect(retries).toEqual([1, 2, 3]);
  });

  it("does not repeat a real fault", async () => {
    let calls = 0;
    const fault = Object.assign(new Error("Unique constraint failed"), { code: "P2002" });
    await expect(
      withDbRetry(async () => {
        calls++;
        throw fault;
      }),
    ).rejects.toBe(fault);
    expect(calls).toBe(1);
  });

  it("gives up within its attempt and time budgets", async () => {
    let calls = 0;
    await expect(withDbRetry(async () => (calls++, Promise.reject(busy())), { maxAttempts: 3 })).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    expect(calls).toBe(3);
    const t0 = Date.now();
    await expect(withDbRetry(async () => Promise.reject(busy()), { timeoutMs: 150, baseDelayMs: 20, maxDelayMs: 40 })).rejects.toMatchObject({ code: "SQLITE_BUSY" });
    expect(Date.now() - t0).toBeLessThan(1_000);
  });
});
