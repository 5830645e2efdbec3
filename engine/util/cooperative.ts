// Browser-safe: setImmediate where it exists (Node), else a zero timeout.
const nextTurn = (): Promise<void> => new Promise((resolve) => (globalThis.setImmediate ? globalThis.setImmediate(resolve) : setTimeout(resolve, 0)));

/**
 * Lets long synchronous loops over user data (dataset rows, hashing) give the event loop back:
 * `await tick()` costs nothing until `sliceMs` of work has passed, then yields one macrotask, so no
 * single slice blocks other requests for longer than about `sliceMs`.
 */
export function cooperative(sliceMs = 10): { tick(): Promise<void> | undefined } {
  let since = performance.now();
  return {
    tick() {
      const now = performance.now();
      if (now - since < sliceMs) return undefined;
      return nextTurn().then(() => {
        since = performance.now();
      });
    },
  };
}
