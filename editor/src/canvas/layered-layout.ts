/**
 * A fast layered (Sugiyama-style) layout, left to right, for graphs too big for dagre (dagre
 * and ELK both take seconds at 1,000 nodes; this takes milliseconds). Steps: break cycles
 * (DFS back edges), assign layers (longest path, then pull nodes right next to their earliest
 * consumer), order each layer by barycenter sweeps with dummy nodes on long edges (keeping the
 * order with the fewest crossings), then place nodes: columns by the widest node of each layer,
 * rows by least-squares alignment with their neighbours under a minimum gap (isotonic regression),
 * so that boxes never overlap.
 */

export interface LayoutSize {
  width: number;
  height: number;
}

export interface LayeredOptions {
  /** Horizontal gap between layers (px). */
  layerGap?: number;
  /** Vertical gap between nodes of a layer (px). */
  nodeGap?: number;
  /** Size of a node with none given. */
  defaultSize?: LayoutSize;
  /** Barycenter sweeps (each down and up). */
  sweeps?: number;
}

interface Item {
  /** Index of a real node, or -1 for a dummy (a long edge passing through the layer). */
  node: number;
  /** Neighbours in the previous / next layer (item indices). */
  up: number[];
  down: number[];
  layer: number;
  pos: number;
}

/** Top-left positions for every node, layered left to right. Unknown edge ends and self-loops are ignored. */
export function layeredLayout(
  nodes: readonly { id: string }[],
  edges: readonly { source: string; target: string }[],
  sizes: Record<string, LayoutSize | undefined> = {},
  options: LayeredOptions = {},
): Record<string, { x: number; y: number }> {
  const { layerGap = 90, nodeGap = 40, defaultSize = { width: 192, height: 110 }, sweeps = 6 } = options;
  const index = new Map(nodes.map((v, i) => [v.id, i]));
  const out: number[][] = nodes.map(() => []);
  for (const e of edges) {
    const s = index.get(e.source);
    const t = index.get(e.target);
    if (s === undefined || t === undefined || s === t) continue;
    out[s].push(t);
  }
  const dag = acyclic(out);
  const layer = assignLayers(dag);
  const { layers, items } = buildLayers(dag, layer);
  orderLayers(layers, items, sweeps);
  const size = (i: number) => sizes[nodes[i].id] ?? defaultSize;
  const itemHeight = (it: Item) => (it.node >= 0 ? size(it.node).height : 0);

  // Columns: each layer as wide as its widest node.
  const xs: number[] = [];
  let x = 0;
  for (const l of layers) {
    xs.push(x);
    x += Math.max(0, ...l.filter((i) => items[i].node >= 0).map((i) => size(items[i].node).width)) + layerGap;
  }

  // Rows: start stacked, then align with neighbours, sweeping down and up.
  const cy = new Float64Array(items.length);
  for (const l of layers) {
    let y = 0;
    for (const i of l) {
      const h = itemHeight(items[i]);
      cy[i] = y + h / 2;
      y += h + (items[i].node >= 0 ? nodeGap : nodeGap / 4);
    }
  }
  for (let s = 0; s < 4; s++) {
    for (let li = 1; li < layers.length; li++) place(layers[li], items, cy, "up", itemHeight, nodeGap);
    for (let li = layers.length - 2; li >= 0; li--) place(layers[li], items, cy, "down", itemHeight, nodeGap);
  }
  for (let li = 1; li < layers.length; li++) place(layers[li], items, cy, "up", itemHeight, nodeGap);

  let minY = Infinity;
  items.forEach((it, i) => {
    if (it.node >= 0) minY = Math.min(minY, cy[i] - itemHeight(it) / 2);
  });
  const result: Record<string, { x: number; y: number }> = {};
  items.forEach((it, i) => {
    if (it.node < 0) return;
    result[nodes[it.node].id] = { x: Math.round(xs[it.layer]), y: Math.round(cy[i] - itemHeight(it) / 2 - minY) };
  });
  return result;
}

/** The edges without back edges of a DFS (iterative), so that the rest is a DAG; reversed back edges keep the link. */
function acyclic(out: number[][]): number[][] {
  const n = out.length;
  const state = new Uint8Array(n); // 0 new, 1 on stack, 2 done
  const dag: number[][] = out.map(() => []);
  const reversed: [number, number][] = [];
  for (let root = 0; root < n; root++) {
    if (state[root]) continue;
    const stack: [number, number][] = [[root, 0]];
    state[root] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [v, k] = top;
      if (k < out[v].length) {
        top[1]++;
        const w = out[v][k];
        if (state[w] === 1) reversed.push([w, v]);
        else {
          dag[v].push(w);
          if (!state[w]) {
            state[w] = 1;
            stack.push([w, 0]);
          }
        }
      } else {
        state[v] = 2;
        stack.pop();
      }
    }
  }
  for (const [a, b] of reversed) if (!dag[a].includes(b)) dag[a].push(b);
  return dag;
}

/** Longest path from the sources, then every node pulled right to just before its earliest successor. */
function assignLayers(dag: number[][]): Int32Array {
  const n = dag.length;
  const indeg = new Int32Array(n);
  for (const succ of dag) for (const w of succ) indeg[w]++;
  const order: number[] = [];
  for (let v = 0; v < n; v++) if (!indeg[v]) order.push(v);
  const layer = new Int32Array(n);
  for (let i = 0; i < order.length; i++) {
    const v = order[i];
    for (const w of dag[v]) {
      layer[w] = Math.max(layer[w], layer[v] + 1);
      if (--indeg[w] === 0) order.push(w);
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const v = order[i];
    if (!dag[v].length) continue;
    let min = Infinity;
    for (const w of dag[v]) min = Math.min(min, layer[w]);
    layer[v] = Math.max(layer[v], min - 1);
  }
  return layer;
}

/** Layers of items (nodes plus one dummy per layer an edge skips), in first-seen (DFS-like) order. */
function buildLayers(dag: number[][], layer: Int32Array): { layers: number[][]; items: Item[] } {
  const items: Item[] = [];
  const layers: number[][] = [];
  const itemOf = new Int32Array(dag.length);
  const add = (it: Item) => {
    const i = items.push(it) - 1;
    (layers[it.layer] ??= []).push(i);
    return i;
  };
  for (let v = 0; v < dag.length; v++) itemOf[v] = add({ node: v, up: [], down: [], layer: layer[v], pos: 0 });
  for (let v = 0; v < dag.length; v++) {
    for (const w of dag[v]) {
      let prev = itemOf[v];
      for (let l = layer[v] + 1; l < layer[w]; l++) {
        const d = add({ node: -1, up: [prev], down: [], layer: l, pos: 0 });
        items[prev].down.push(d);
        prev = d;
      }
      items[prev].down.push(itemOf[w]);
      items[itemOf[w]].up.push(prev);
    }
  }
  for (let l = 0; l < layers.length; l++) layers[l] ??= [];
  // Initial order: a DFS from the first layer, so that chains start out together.
  const seen = new Uint8Array(items.length);
  const rank = new Int32Array(items.length);
  let next = 0;
  const visit = (root: number) => {
    const stack = [root];
    while (stack.length) {
      const i = stack.pop()!;
      if (seen[i]) continue;
      seen[i] = 1;
      rank[i] = next++;
      for (let k = items[i].down.length - 1; k >= 0; k--) stack.push(items[i].down[k]);
    }
  };
  for (const l of layers) for (const i of l) visit(i);
  for (const l of layers) {
    l.sort((a, b) => rank[a] - rank[b]);
    l.forEach((i, p) => (items[i].pos = p));
  }
  return { layers, items };
}

function crossings(layers: number[][], items: Item[]): number {
  let total = 0;
  for (let l = 0; l + 1 < layers.length; l++) {
    // Edges between l and l+1 as (pos above, pos below), sorted by the upper end; count inversions.
    const pairs: [number, number][] = [];
    for (const i of layers[l]) for (const d of items[i].down) pairs.push([items[i].pos, items[d].pos]);
    pairs.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    total += inversions(pairs.map((p) => p[1]));
  }
  return total;
}

function inversions(a: number[]): number {
  if (a.length < 2) return 0;
  const mid = a.length >> 1;
  const left = a.slice(0, mid);
  const right = a.slice(mid);
  let count = inversions(left) + inversions(right);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < left.length && j < right.length) {
    if (left[i] <= right[j]) a[k++] = left[i++];
    else {
      a[k++] = right[j++];
      count += left.length - i;
    }
  }
  while (i < left.length) a[k++] = left[i++];
  while (j < right.length) a[k++] = right[j++];
  return count;
}

function orderLayers(layers: number[][], items: Item[], sweeps: number): void {
  const snapshot = () => layers.map((l) => [...l]);
  let best = snapshot();
  let bestCross = crossings(layers, items);
  const reorder = (l: number[], key: "up" | "down") => {
    const bary = new Map<number, number>();
    for (const i of l) {
      const nb = items[i][key];
      bary.set(i, nb.length ? nb.reduce((s, j) => s + items[j].pos, 0) / nb.length : items[i].pos);
    }
    l.sort((a, b) => bary.get(a)! - bary.get(b)! || items[a].pos - items[b].pos);
    l.forEach((i, p) => (items[i].pos = p));
  };
  for (let s = 0; s < sweeps && bestCross > 0; s++) {
    for (let li = 1; li < layers.length; li++) reorder(layers[li], "up");
    for (let li = layers.length - 2; li >= 0; li--) reorder(layers[li], "down");
    const c = crossings(layers, items);
    if (c < bestCross) {
      bestCross = c;
      best = snapshot();
    }
  }
  best.forEach((l, li) => {
    layers[li] = l;
    l.forEach((i, p) => (items[i].pos = p));
  });
}

/**
 * Moves a layer's items towards the mean centre of their neighbours on one side, keeping their
 * order and a minimum gap: least squares under order constraints, solved by pool-adjacent-violators.
 */
function place(l: number[], items: Item[], cy: Float64Array, side: "up" | "down", height: (it: Item) => number, gap: number): void {
  if (!l.length) return;
  // Offsets o_i: the minimum distance of item i's centre below item 0's; z_i = y_i - o_i must not decrease.
  const o = new Float64Array(l.length);
  for (let k = 1; k < l.length; k++) {
    const a = items[l[k - 1]];
    const b = items[l[k]];
    const g = a.node >= 0 && b.node >= 0 ? gap : gap / 4;
    o[k] = o[k - 1] + height(a) / 2 + height(b) / 2 + g;
  }
  const target = l.map((i, k) => {
    const nb = items[i][side];
    const want = nb.length ? nb.reduce((s, j) => s + cy[j], 0) / nb.length : cy[i];
    return want - o[k];
  });
  // Pool adjacent violators: blocks of (sum, count), merged while a block's mean exceeds the next's.
  const sums: number[] = [];
  const counts: number[] = [];
  for (const t of target) {
    sums.push(t);
    counts.push(1);
    while (sums.length > 1 && sums[sums.length - 2] / counts[counts.length - 2] > sums[sums.length - 1] / counts[counts.length - 1]) {
      const s = sums.pop()!;
      const c = counts.pop()!;
      sums[sums.length - 1] += s;
      counts[counts.length - 1] += c;
    }
  }
  let k = 0;
  for (let b = 0; b < sums.length; b++) {
    const z = sums[b] / counts[b];
    for (let c = 0; c < counts[b]; c++, k++) cy[l[k]] = z + o[k];
  }
}
