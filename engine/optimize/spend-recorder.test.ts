import { describe, expect, it } from "vitest";
import type { Spend } from "./budget.js";
import { SpendRecorder } from "./spend-recorder.js";

describe("SpendRecorder", () => {
  it("coalesces concurrent flushes into serialised writes of the latest absolute totals", async () => {
    const spend: Spend = { tokens: 0, costUsd: 0, llmCalls: 0 };
    const writes: Spend[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const rec = new SpendRecorder(spend, async (s) => {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      writes.push(s);
      inFlight--;
    });
    const flushes = [];
    for (let i = 1; i <= 20; i++) {
      spend.tokens += 10;
      spend.llmCalls++;
      rec.changed();
      flushes.push(rec.flush());
    }
    await Promise.all(flushes);
    expect(maxInFlight).toBe(1);
    expect(writes.length).toBeLessThan(20);
    expect(writes.at(-1)).toEqual({ tokens: 200, costUsd: 0, llmCalls: 20 });
    // Nothing changed since: no further write.
    await rec.flush();
    expect(writes.at(-1)).toEqual({ tokens: 200, costUsd: 0, llmCalls: 20 });
  });

  it("retries a failing write with bounded backoff, and rejects the flush when it keeps failing (a later flush writes again)", async () => {
    const spend: Spend = { tokens: 5, costUsd: 0, llmCalls: 1 };
    let failures = 2;
    const saved: Spend[] = [];
    const rec = new SpendRecorder(spend, async (s) => {
      if (failures-- > 0) throw new Error("SQLITE_BUSY: database is locked");
      saved.push(s);
    });
    rec.changed();
    await rec.flush();
    expect(saved).toEqual([{ tokens: 5, costUsd: 0, llmCalls: 1 }]);

    failures = 100;
    spend.tokens = 9;
    rec.changed();
    await expect(rec.flush()).rejects.toThrow(/database is locked/);
    failures = 0;
    await rec.flush();
    expect(saved.at(-1)).toEqual({ tokens: 9, costUsd: 0, llmCalls: 1 });
  });
});
