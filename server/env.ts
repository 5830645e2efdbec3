/**
 * Reads a number from an environment variable: undefined when unset or empty, and an error naming
 * the variable when it is not a finite number ≥ 0 (or > 0 with `positive`).
 */
export function envNumber(env: NodeJS.ProcessEnv, name: string, opts: { positive?: boolean } = {}): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  const n = Number(raw);
  const ok = Number.isFinite(n) && (opts.positive ? n > 0 : n >= 0);
  if (!ok) throw new Error(`${name} must be a ${opts.positive ? "positive" : "non-negative"} number (got ${JSON.stringify(raw)})`);
  return n;
}
