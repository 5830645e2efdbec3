import { InputValidationError } from "../errors.js";
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
