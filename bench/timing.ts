import { table } from "../cli/format.js";

/** Median wall time in ms of `reps` sequential calls of `f`. */
export async function median(reps: number, f: () => Promise<unknown>): Promise<number> {
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const s = performance.now();
    await f();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)];
}

/** Prints an aligned table (the CLI's formatter). */
export function printTable(headers: string[], rows: string[][]): void {
  console.log(table(headers, rows));
}
