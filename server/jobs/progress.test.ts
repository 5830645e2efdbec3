import { describe, expect, it } from "vitest";
import { ProgressChannel } from "./progress.js";

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("ProgressChannel", () => {
  it("replays after a seq, follows live events and ends when closed", async () => {
    const ch = new ProgressChannel<{ n: number }>(10);
    ch.push({ n: 1 });
    ch.push({ n: 2 });
    const all = collect(ch.read());
    const tail = collect(ch.read(10));
    ch.push({ n: 3 });
    ch.close({ n: 4 });
    expect((await all).map((e) => [e.seq, e.n])).toEqual([[10, 1], [11, 2], [12, 3], [13, 4]]);
    expect((await tail).map((e) => e.n)).toEqual([2, 3, 4]);
    expect(await collect(ch.read(13))).toEqual([]);
  });

  it("a reader stops when its signal aborts", async () => {
    const ch = new ProgressChannel<{ n: number }>();
    const ctl = new AbortController();
    const reading = collect(ch.read(-1, ctl.signal));
    ch.push({ n: 1 });
    await new Promise((r) => setTimeout(r, 1));
    ctl.abort();
    expect((await reading).map((e) => e.n)).toEqual([1]);
  });
});
