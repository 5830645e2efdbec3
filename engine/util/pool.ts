/**
 * Calls `fn(i)` for i = 0 … count-1 with at most `limit` calls in flight, in index order of
 * starting; stops starting new calls once `signal` aborts. A rejection rejects the whole pool.
 */
export async function forEachConcurrent(count: number, limit: number, fn: (i: number) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count && !signal?.aborted) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, count)) }, worker));
}
