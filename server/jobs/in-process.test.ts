import { describe, expect, it } from "vitest";
import { InProcessJobRunner } from "./in-process.js";
import { abortedByShutdown, type Job } from "./types.js";

/** A job that runs until aborted (or released), recording what happened. */
function blockingJob(id: string, log: string[]): Job & { release(): void } {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  return {
    id,
    kind: "test",
    release: () => release(),
    async run(signal) {
      log.push(`start ${id}`);
      if (!signal.aborted) await Promise.race([released, new Promise<void>((r) => signal.addEventListener("abort", () => r()))]);
      log.push(signal.aborted ? `${abortedByShutdown(signal) ? "shutdown" : "abort"} ${id}` : `end ${id}`);
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("InProcessJobRunner", () => {
  it("runs at most `concurrency` jobs at once, in submission order", async () => {
    const log: string[] = [];
    const runner = new InProcessJobRunner({ concurrency: 2 });
    const jobs = ["a", "b", "c"].map((id) => blockingJob(id, log));
    for (const j of jobs) runner.submit(j);
    await tick();
    expect(log).toEqual(["start a", "start b"]);
    expect(runner.active().map((j) => j.state)).toEqual(["running", "running", "queued"]);
    jobs[0].release();
    await tick();
    expect(log).toEqual(["start a", "start b", "end a", "start c"]);
    jobs[1].release();
    jobs[2].release();
    await runner.drain();
    expect(runner.active()).toEqual([]);
  });

  it("cancel aborts a running job and waits for it; a queued job is dropped", async () => {
    const log: string[] = [];
    const runner = new InProcessJobRunner({ concurrency: 1 });
    runner.submit(blockingJob("a", log));
    runner.submit(blockingJob("b", log));
    await tick();
    expect(await runner.cancel("b")).toBe(true);
    expect(await runner.cancel("a")).toBe(true);
    expect(log).toEqual(["start a", "abort a"]);
    expect(await runner.cancel("a")).toBe(false);
    expect(() => runner.submit(blockingJob("c", log))).not.toThrow();
    expect(() => runner.submit(blockingJob("c", log))).toThrow(/already active/);
    await runner.shutdown();
  });

  it("shutdown stops taking work and aborts in-flight jobs with a shutdown reason", async () => {
    const log: string[] = [];
    const errors: unknown[] = [];
    const runner = new InProcessJobRunner({ onError: (e) => errors.push(e) });
    runner.submit(blockingJob("a", log));
    runner.submit({ id: "boom", kind: "test", run: async () => Promise.reject(new Error("boom")) });
    await tick();
    await runner.shutdown();
    expect(log).toEqual(["start a", "shutdown a"]);
    expect(errors).toHaveLength(1);
    expect(() => runner.submit(blockingJob("b", log))).toThrow(/shutting down/);
  });
});
