/** Abort helpers: the sim rejects with an error named "AbortError", like fetch does. */

/** An Error whose `name` is "AbortError"; `cause` carries the signal's reason. */
export function abortError(signal?: AbortSignal): Error {
  const reason: unknown = signal?.reason;
  const detail = reason instanceof Error ? reason.message : typeof reason === "string" ? reason : "";
  const err = new Error(detail ? `sim call aborted: ${detail}` : "sim call aborted", { cause: reason });
  err.name = "AbortError";
  return err;
}

/** Throws an AbortError when the signal has already fired. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

/** Resolves after `ms` milliseconds, or rejects with an AbortError as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
