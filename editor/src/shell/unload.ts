/**
 * Whether the page is going away (hidden or being unloaded): the last saves then go out as
 * keepalive requests, which the browser finishes after the page is gone.
 */

let leaving = false;

/** Marks the page as leaving (pagehide, or hidden) or back (visible again). */
export function setLeaving(value: boolean): void {
  leaving = value;
}

export function isLeaving(): boolean {
  return leaving;
}

/** Browsers refuse keepalive bodies over 64 KiB (in total): stay under it, else send normally. */
export const KEEPALIVE_MAX_BODY = 60_000;

/** `{ keepalive: true }` for a request sent while the page is leaving, when its body is small enough. */
export function keepaliveFor(init: { body?: unknown } | undefined): { keepalive?: true } {
  if (!leaving) return {};
  const body = init?.body;
  return typeof body === "string" && body.length <= KEEPALIVE_MAX_BODY ? { keepalive: true } : {};
}
