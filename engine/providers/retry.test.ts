import { describe, expect, it, vi } from "vitest";
import { AbortedError } from "../errors.js";
import { abortError, backoffDelay, isAbortError, raceAbort, sleep, withRetry, type RetryInfo } from "./retry.js";

const noJitter = { jitter: 0 };

describe("backoffDelay", () => {
  it("grows exponentially and is capped", () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, { baseMs: 10, factor: 2, ...noJitter }))).toEqual([10, 20, 40, 80]);
    expect(backoffDelay(10, { baseMs: 10, factor: 2, maxMs: 50, ...noJitter })).toBe(50);
  });

  it("jitter removes up to the given fraction", () => {
    expect(backoffDelay(1, { baseMs: 100, jitter: 0.5, random: () => 0 })).toBe(100);
    expect(backoffDelay(1, { baseMs: 100, jitter: 0.5, random: () => 0.999 })).toBe(50);
    expect(backoffDelay(1, { baseMs: 100, jitter: 1, random: () => 0.5 })).toBe(50);
  });
});

describe("withRetry", () => {
  it("returns the first success without retrying", async () => {
    const onRetry = vi.fn();
    await expect(withRetry(async () => "ok", { retries: 3, onRetry })).resolves.toBe("ok");
    expect(onRetry).not.toHaveBeenCalled();
  });

  it("retries until success, reporting attempt and delay", async () => {
    const infos: RetryInfo[] = [];
    let calls = 0;
    const result = await withRetry(
      async (attempt) => {
        calls++;
        if (attempt < 3) throw new Error(`fail ${attempt}`);
        return attempt;
      },
      { retries: 5, baseMs: 2, factor: 3, ...noJitter, onRetry: (i) => infos.push(i) },
    );
    expect(result).toBe(3);
    expect(calls).toBe(3);
    expect(infos.map((i) => [i.attempt, i.delayMs, (i.error as Error).message])).toEqual([
      [1, 2, "fail 1"],
      [2, 6, "fail 2"],
    ]);
  });

  it("rethrows the last error unchanged once retries are used up", async () => {
    const errors = [new Error("a"), new Error("b"), new Error("c")];
    let i = 0;
    const p = withRetry(async () => Promise.reject(errors[i++]), { retries: 2, baseMs: 1 });
    await expect(p).rejects.toBe(errors[2]);
    expect(i).toBe(3);
  });

  it("does not retry what isRetryable rejects", async () => {
    const fn = vi.fn(async () => {
      throw new Error("permanent");
    });
    await expect(withRetry(fn, { retries: 5, baseMs: 1, isRetryable: () => false })).rejects.toThrow("permanent");
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("retries synchronous throws too", async () => {
    let n = 0;
    const fn = (): Promise<string> => {
      if (n++ === 0) throw new Error("sync");
      return Promise.resolve("ok");
    };
    await expect(withRetry(fn, { retries: 1, baseMs: 1 })).resolves.toBe("ok");
  });

  it("delayFor overrides the computed delay, still capped by maxMs", async () => {
    const infos: RetryInfo[] = [];
    let n = 0;
    await withRetry(
      async () => {
        if (n++ < 2) throw new Error("x");
      },
      {
        retries: 2,
        baseMs: 1,
        maxMs: 15,
        delayFor: (_e, attempt) => (attempt === 1 ? 7 : 1000),
        onRetry: (i) => infos.push(i),
      },
    );
    expect(infos.map((i) => i.delayMs)).toEqual([7, 15]);
  });

  it("never calls fn when the signal is already aborted", async () => {
    const fn = vi.fn(async () => "x");
    const p = withRetry(fn, { retries: 1, signal: AbortSignal.abort() });
    await expect(p).rejects.toMatchObject({ name: "AbortError" });
    expect(fn).not.toHaveBeenCalled();
  });

  it("aborts during a backoff sleep at once", async () => {
    const controller = new AbortController();
    const fn = vi.fn(async () => {
      throw new Error("transient");
    });
    const started = performance.now();
    const p = withRetry(fn, {
      retries: 3,
      baseMs: 5_000,
      signal: controller.signal,
      onRetry: () => setTimeout(() => controller.abort(), 10),
    });
    const err = await p.catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(AbortedError);
    expect((err as Error).name).toBe("AbortError");
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("aborts during an attempt even if fn ignores the signal", async () => {
    const controller = new AbortController();
    const p = withRetry(() => new Promise<string>((r) => setTimeout(() => r("late"), 5_000)), {
      retries: 0,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 10);
    const started = performance.now();
    await expect(p).rejects.toMatchObject({ name: "AbortError", code: "RUN_CANCELLED" });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it("by default does not retry abort errors thrown by fn", async () => {
    const fn = vi.fn(async () => {
      throw new DOMException("stop", "AbortError");
    });
    await expect(withRetry(fn, { retries: 3, baseMs: 1 })).rejects.toMatchObject({ name: "AbortError" });
    expect(fn).toHaveBeenCalledTimes(1);
  });
});

describe("sleep", () => {
  it("resolves after the delay", async () => {
    const started = performance.now();
    await sleep(20);
    expect(performance.now() - started).toBeGreaterThanOrEqual(15);
  });

  it("rejects as soon as the signal aborts", async () => {
    const controller = new AbortController();
    const started = performance.now();
    const p = sleep(10_000, controller.signal);
    setTimeout(() => controller.abort("user cancelled"), 10);
    const err = await p.catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ name: "AbortError", message: "aborted: user cancelled", cause: "user cancelled" });
  });

  it("rejects immediately for an already aborted signal", async () => {
    await expect(sleep(10_000, AbortSignal.abort())).rejects.toMatchObject({ name: "AbortError" });
  });
});

describe("abortError / raceAbort / isAbortError", () => {
  it("keeps code and message of an engine error reason", () => {
    const c = new AbortController();
    const reason = new AbortedError("node timed out", "NODE_TIMEOUT");
    c.abort(reason);
    const err = abortError(c.signal);
    expect(err).toBeInstanceOf(AbortedError);
    expect(err).toMatchObject({ name: "AbortError", code: "NODE_TIMEOUT", message: "node timed out", cause: reason });
  });

  it("recognises platform and engine abort errors", () => {
    expect(isAbortError(new DOMException("x", "AbortError"))).toBe(true);
    expect(isAbortError(new AbortedError())).toBe(true);
    expect(isAbortError(new Error("x"))).toBe(false);
  });

  it("raceAbort passes values through when not aborted", async () => {
    await expect(raceAbort(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
    await expect(raceAbort(Promise.reject(new Error("e")))).rejects.toThrow("e");
  });
});
