/** Longest a pool keeps the event loop to itself before letting timers and I/O run (ms). */
const SLICE_MS = 10;

const macrotask: () => Promise<void> =
  typeof setImmediate === "function" ? () => new Promise((resolve) => setImmediate(resolve)) : () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Calls `fn(i)` for i = 0 … count-1 with at most `limit` calls in flight, in index order of
 * starting; stops starting new calls once `signal` aborts. A rejection rejects the whole pool.
 * Calls that settle without real I/O (a cache, an instant provider) would otherwise chain through
 * microtasks and starve the server: the pool yields a macrotask every SLICE_MS.
 */
export async function forEachConcurrent(count: number, limit: number, fn: (i: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  let sliceStart = Date.now();
  const worker = async () => {
    while (next < count && !signal?.aborted) {
      await fn(next++);
      if (Date.now() - sliceStart >= SLICE_MS) {
        await macrotask();
        sliceStart = Date.now();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
}
