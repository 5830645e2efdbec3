import { limits } from "../limits.js";
import { testRegexInWorker } from "../template/render.js";
import { RegexWork, regexWorkUnits, type SafeRegex } from "../util/safe-regex.js";

/** Where a match runs and whose turn it takes in the workers. */
export interface RegexCheckOptions {
  caseInsensitive: boolean;
  /** The run or optimization the check is for (see RenderOptions.owner). */
  owner?: string;
  signal?: AbortSignal;
}

/**
 * Whether `re` matches `text`. Within `regexWorkUnits` the match runs inline (under ~100 ms even for
 * the worst patterns, measured); beyond it, up to `regexWorkerWorkUnits`, it runs in a worker with a
 * deadline of `regexWorkerMs`, so a legitimate pattern can check a long answer without blocking the
 * event loop. Throws RegexWorkError naming the limit when the work is over both, or the worker's
 * deadline or heap stopped the match.
 */
export async function testRegexBounded(re: SafeRegex, text: string, opts: RegexCheckOptions): Promise<boolean> {
  const lim = limits();
  if (regexWorkUnits(re, text) <= lim.regexWorkUnits) return re.test(text, new RegexWork(lim.regexWorkUnits));
  // Checked here too, so an answer beyond the worker's limit costs no worker.
  new RegexWork(lim.regexWorkerWorkUnits, "regexWorkerWorkUnits").charge(re, text);
  return testRegexInWorker({ pattern: re.source, caseInsensitive: opts.caseInsensitive, text, limits: lim, owner: opts.owner, signal: opts.signal });
}
