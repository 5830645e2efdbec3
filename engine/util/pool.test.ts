import { describe, expect, it } from "vitest";
import { forEachConcurrent } from "./pool.js";

describe("forEachConcurrent", () => {
  it("visits every index once with at most `limit` in flight", async () => {
    let inFlight = 0;
    let max = 0;
    const seen: number[] = [];
    await forEachConcurrent(10, 3, async (i) => {
      inFlight++;
      max = Math.max(max, inFlight);
      await new Promise((r) => setTimeout(r, 5 - (i % 3)));
      seen.push(i);
      inFlight--;
    });
    expect(max).toBe(3);
    expect([...seen].sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it("starts nothing new once the signal aborts", async () => {
    const ctl = new AbortController();
    const started: number[] = [];
    await forEachConcurrent(10, 1, async (i) => {
      started.push(i);
      if (i === 2) ctl.abort();
    }, ctl.signal);
    expect(started).toEqual([0, 1, 2]);
  });

  it("lets timers run while calls settle without I/O (an instant provider must not starve a server)", async () => {
    let timerFiredAt = -1;
    let done = 0;
    setTimeout(() => (timerFiredAt = done), 0);
    await forEachConcurrent(200, 4, async () => {
      const until = performance.now() + 0.25; // 50 ms of synchronous work in all
      while (performance.now() < until);
      done++;
    });
    expect(timerFiredAt).toBeGreaterThanOrEqual(0);
    expect(timerFiredAt).toBeLessThan(200);
  });
});
