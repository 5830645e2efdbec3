/**
 * Nesting bound for JSON that users hand to Flowtune (graph documents, run inputs, dataset rows):
 * storage, checksums, events and exports walk such values recursively (JSON.stringify among them),
 * so a value nested past the stack (50,000 levels fit in a 100 KB request) would crash them.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The path to the first array or object of `value` nested deeper than `max` levels (the value
 * itself is level 1), or undefined. Iterative (the value may be deeper than the stack) and linear:
 * only containers are visited, and a path is built only for the one that is too deep.
 */
export function tooDeepPath(value: unknown, max = MAX_JSON_DEPTH): PropertyKey[] | undefined {
  if (value === null || typeof value !== "object") return undefined;
  // Every container seen (parallel arrays: cheap for a million of them): its depth, parent and key there.
  const values: object[] = [value];
  const depths: number[] = [0];
  const parents: number[] = [-1];
  const keys: PropertyKey[] = [""];
  const stack: number[] = [0];
  const see = (x: unknown, depth: number, parent: number, key: PropertyKey) => {
    if (x === null || typeof x !== "object") return;
    stack.push(values.length);
    values.push(x);
    depths.push(depth);
    parents.push(parent);
    keys.push(key);
  };
  while (stack.length) {
    const i = stack.pop()!;
    const v = values[i];
    const depth = depths[i];
    if (depth >= max) {
      const path: PropertyKey[] = [];
      for (let at = i; parents[at] >= 0; at = parents[at]) path.push(keys[at]);
      return path.reverse();
    }
    if (Array.isArray(v)) for (let k = 0; k < v.length; k++) see(v[k], depth + 1, i, k);
    else for (const k of Object.keys(v)) see((v as Record<string, unknown>)[k], depth + 1, i, k);
  }
  return undefined;
}
