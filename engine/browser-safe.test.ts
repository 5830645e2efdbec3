// The editor bundles engine/browser.ts: nothing it imports statically may need Node (node:*
// built-ins, undici, better-sqlite3…), or the editor fails at load with "process is not defined".
// Node-only code reachable from it must be loaded with a dynamic import() on first use.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");
/** Packages the browser bundle may import (everything else from node_modules is refused; gpt-tokenizer's ~1 MB of tables too). */
const BROWSER_PACKAGES = new Set(["zod", "jexl", "liquidjs", "re2js", "xstate", "fast-json-patch"]);

/** Static `import … from` / `export … from` specifiers (type-only imports are erased and skipped). */
function staticImports(source: string): string[] {
  return [...source.matchAll(/^(?:import|export)\s+(?!type\b)[^;]*?\sfrom\s+"([^"]+)"/gms), ...source.matchAll(/^import\s+"([^"]+)"/gm)].map((m) => m[1]);
}

/** Every module reachable from `entry` through static imports, with the chain that reached it. */
function walk(entry: string): { external: Array<{ specifier: string; chain: string[] }> } {
  const parent = new Map<string, string | null>([[entry, null]]);
  const queue = [entry];
  const external: Array<{ specifier: string; chain: string[] }> = [];
  const chainOf = (file: string) => {
    const out: string[] = [];
    for (let f: string | null | undefined = file; f; f = parent.get(f)) out.unshift(path.relative(ROOT, f));
    return out;
  };
  while (queue.length) {
    const file = queue.shift()!;
    for (const spec of staticImports(readFileSync(file, "utf8"))) {
      if (spec.startsWith(".")) {
        const next = path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts"));
        if (!parent.has(next)) {
          parent.set(next, file);
          queue.push(next);
        }
      } else {
        external.push({ specifier: spec, chain: chainOf(file) });
      }
    }
  }
  return { external };
}

describe("engine/browser.ts stays browser-safe", () => {
  it("reaches no Node built-in, no server-side package and no tokenizer tables through static imports", () => {
    const { external } = walk(path.join(ROOT, "engine/browser.ts"));
    const refused = external.filter(({ specifier }) => {
      const pkg = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
      return specifier.startsWith("node:") || !BROWSER_PACKAGES.has(pkg);
    });
    expect(refused.map((r) => `${r.specifier} via ${r.chain.join(" → ")}`)).toEqual([]);
    // The walk itself works: the graph schema's zod import is found.
    expect(external.some((e) => e.specifier === "zod")).toBe(true);
  });
});
