import { AbortedError, FlowtuneError } from "../errors.js";

/** What `onRetry` is told before each backoff sleep. */
export interface RetryInfo {
  /** The attempt that just failed (1-based). */
  attempt: number;
  error: unknown;
  /** How long we will sleep before attempt `attempt + 1`. */
  delayMs: number;
}

export interface RetryOptions {
  /** Extra attempts after the first one (0 = no retry). */
  retries: number;
  /** Delay before the first retry, before jitter. Default 100. */
  baseMs?: number;
  /** Growth per retry. Default 2. */
  factor?: number;
  /** Upper bound on any single delay, including `delayFor` overrides. Default 30 000. */
  maxMs?: number;
  /** Fraction of the delay that is randomised (0 = none, 1 = full jitter). Default 0.5. */
  jitter?: number;
  /** Aborts the current attempt's wait and any backoff sleep at once. */
  signal?: AbortSignal;
  /** Whether a failure is worth another attempt. Default: anything except an abort. */
  isRetryable?: (error: unknown, attempt: number) => boolean;
  /** Override the computed delay (e.g. from a Retry-After header); `undefined` keeps it. */
  delayFor?: (error: unknown, attempt: number, computedMs: number) => number | undefined;
  /** Called before each backoff sleep (logging, `node.retrying` events). */
  onRetry?: (info: RetryInfo) => void;
  /** Random source in [0, 1), injectable for deterministic tests. */
  random?: () => number;
}

/**
 * Exponential backoff delay for a failed attempt (1-based), capped at `maxMs`, with jitter:
 * `delay = capped * (1 - jitter * random())`.
 */
export function backoffDelay(
  attempt: number,
  opts: Pick<RetryOptions, "baseMs" | "factor" | "maxMs" | "jitter" | "random"> = {},
): number {
  const { baseMs = 100, factor = 2, maxMs = 30_000, jitter = 0.5, random = Math.random } = opts;
  const capped = Math.min(maxMs, baseMs * factor ** Math.max(0, attempt - 1));
  const j = Math.min(1, Math.max(0, jitter));
  return Math.max(0, Math.round(capped * (1 - j * random())));
}

/**
 * Runs `fn` until it succeeds, it throws a non-retryable error, or `retries` extra attempts are used up.
 * The last error is rethrown unchanged. If `signal` aborts (before, during an attempt or in a backoff
 * sleep) it rejects at once with an `AbortedError` named "AbortError" (see {@link abortError}).
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const { signal, isRetryable = (e: unknown) => !isAbortError(e), maxMs = 30_000 } = opts;
  const retries = Math.max(0, Math.floor(opts.retries));
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(signal);
    try {
      // Race against the signal so an `fn` that ignores aborts still gives up immediately.
      return await raceAbort(fn(attempt), signal);
    } catch (error) {
      if (signal?.aborted) throw abortError(signal);
      if (attempt > retries || !isRetryable(error, attempt)) throw error;
      const computed = backoffDelay(attempt, { ...opts, maxMs });
      const override = opts.delayFor?.(error, attempt, computed);
      const delayMs = override === undefined ? computed : Math.min(maxMs, Math.max(0, override));
      opts.onRetry?.({ attempt, error, delayMs });
      await sleep(delayMs, signal);
    }
  }
}

/**
 * Resolves after `ms`, or rejects with an AbortError-named `AbortedError` as soon as `signal` aborts.
 * The timer and listener are always cleaned up.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal!));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Settles like `promise`, but rejects with {@link abortError} the moment `signal` aborts.
 * (The underlying work is not stopped; pass the signal to it as well.)
 */
export function raceAbort<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {}); // the loser must not become an unhandled rejection
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/**
 * The error to reject with when `signal` has aborted: an `AbortedError` (so `instanceof` works and it
 * carries an engine error code) whose `name` is "AbortError" (the platform convention, so generic
 * `err.name === "AbortError"` checks work too). An `AbortedError`/`FlowtuneError` reason keeps its
 * code and message; other reasons contribute their message.
 */
export function abortError(signal: AbortSignal): AbortedError {
  const reason: unknown = signal.reason;
  let err: AbortedError;
  if (reason instanceof FlowtuneError) {
    err = new AbortedError(reason.message, reason.code);
  } else {
    const msg = reason instanceof Error ? reason.message : typeof reason === "string" ? reason : "";
    err = new AbortedError(msg ? `aborted: ${msg}` : "aborted");
  }
  err.name = "AbortError";
  if (reason !== undefined) Object.defineProperty(err, "cause", { value: reason, configurable: true, writable: true });
  return err;
}

/** Throws {@link abortError} if `signal` has already aborted. */
export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

/** True for our `AbortedError`s and for any platform error named "AbortError". */
export function isAbortError(err: unknown): boolean {
  return err instanceof AbortedError || (err instanceof Error && err.name === "AbortError");
}
