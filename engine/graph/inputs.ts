import { InputValidationError } from "../errors.js";
import { formatCount, limits } from "../limits.js";
import type { Graph } from "../schema/graph.js";
import { MAX_JSON_DEPTH, tooDeepPath } from "../util/json-depth.js";
import { showValue } from "../util/show-value.js";

/** Checks run inputs against the input node's fields, applies defaults, and coerces CLI-style strings. */
export function resolveInputs(graph: Graph, inputs: Record<string, unknown>): Record<string, unknown> {
  const node = graph.nodes.find((n) => n.kind === "input");
  if (!node || node.kind !== "input") return { ...inputs };
  const out: Record<string, unknown> = { ...inputs };
  // Declared or not, every input is stored and sent in events: none may be nested past what JSON.stringify can write.
  for (const [name, v] of Object.entries(out)) {
    const deep = tooDeepPath(v);
    if (deep) throw new InputValidationError(`input "${name.slice(0, 100)}" is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`, { nodeId: node.id, field: name });
  }
  for (const f of node.config.fields) {
    let v = out[f.name];
    if (v === undefined) {
      if (f.default !== undefined) v = f.default;
      else if (f.required) {
        throw new InputValidationError(`missing input "${f.name}" (declared by input node "${node.id}")`, { nodeId: node.id, field: f.name });
      } else continue;
    }
    if (f.type === "number" && typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) v = Number(v);
    if (f.type === "boolean" && (v === "true" || v === "false")) v = v === "true";
    const ok =
      f.type === "string" ? typeof v === "string" :
      f.type === "number" ? typeof v === "number" && Number.isFinite(v) :
      f.type === "boolean" ? typeof v === "boolean" :
      f.type === "list" ? Array.isArray(v) : true;
    if (!ok) {
      throw new InputValidationError(`input "${f.name}" must be a ${f.type}, got ${showValue(v, 80)}`, { nodeId: node.id, field: f.name });
    }
    out[f.name] = v;
  }
  return out;
}

/**
 * Refuses run inputs larger than `runInputChars` written as JSON (each run stores them, in its row
 * and in events), naming the largest field. Run at the entry points (API, CLI run and batch rows);
 * an optimization's rows are bounded by the dataset's own limit instead. `nodeId` locates the error.
 */
export function checkRunInputSize(inputs: Record<string, unknown>, nodeId?: string): void {
  const max = limits().runInputChars;
  let total = 2; // {}
  let largest: { name: string; chars: number } | undefined;
  for (const [name, v] of Object.entries(inputs)) {
    const chars = jsonLength(v, max + 1);
    total += chars + JSON.stringify(name).length + 2; // "name": and a comma
    if (!largest || chars > largest.chars) largest = { name, chars };
  }
  if (total > max && largest) {
    const size = largest.chars > max ? `over ${formatCount(max)}` : formatCount(largest.chars);
    throw new InputValidationError(
      `run inputs are over the limit of ${formatCount(max)} characters of JSON (runInputChars): input "${largest.name.slice(0, 100)}" is ${size} characters`,
      { nodeId, field: largest.name },
    );
  }
}

/**
 * Characters of `value` as JSON, counting at most to `stop` (then any number ≥ stop): iterative, so
 * a deep value cannot overflow the stack, and a huge one is not written out to be measured.
 */
export function jsonLength(value: unknown, stop: number): number {
  let n = 0;
  const stack: unknown[] = [value];
  while (stack.length && n < stop) {
    const v = stack.pop();
    if (typeof v === "string") {
      // The length plus quotes is a lower bound; escapes only add, so write it out only when it may fit.
      n += v.length + 2 >= stop - n ? v.length + 2 : JSON.stringify(v).length;
    } else if (Array.isArray(v)) {
      n += 2 + Math.max(0, v.length - 1);
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i] === undefined ? null : v[i]);
    } else if (v !== null && typeof v === "object") {
      const entries = Object.entries(v).filter(([, x]) => x !== undefined && typeof x !== "function");
      n += 2 + Math.max(0, entries.length - 1);
      for (const [k, x] of entries) {
        n += JSON.stringify(k).length + 1;
        stack.push(x);
      }
    } else {
      n += v === undefined || typeof v === "function" || typeof v === "symbol" ? 4 : String(JSON.stringify(v) ?? "null").length;
    }
  }
  return n;
}
