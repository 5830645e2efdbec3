// Runtime checks of strategy knobs: StrategyOptions carries them as `unknown`, and they may come from stored JSON.
import type { StrategyOptions } from "./types.js";

/** Bounds of a numeric option. */
export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

/** Reads a numeric option, returning `fallback` when absent and throwing when it is not a number within the rule. */
export function numberOption(opts: StrategyOptions, name: string, fallback: number, rule: NumberRule = {}): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  const ok =
    typeof v === "number" &&
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.max === undefined || v <= rule.max);
  if (!ok) {
    const range = `${rule.integer ? "an integer" : "a number"}${rule.min !== undefined ? ` >= ${rule.min}` : ""}${rule.max !== undefined ? ` <= ${rule.max}` : ""}`;
    throw new Error(`option "${name}" must be ${range}, got ${JSON.stringify(v)}`);
  }
  return v as number;
}

/** Reads a boolean option, returning `fallback` when absent and throwing when it is not a boolean. */
export function booleanOption(opts: StrategyOptions, name: string, fallback: boolean): boolean {
  const v = opts[name];
  if (v === undefined) return fallback;
  if (typeof v !== "boolean") throw new Error(`option "${name}" must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}
