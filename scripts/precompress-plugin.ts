/**
 * A Vite plugin that writes `.br` and `.gz` beside each compressible file of the editor build, so
 * the server sends compressed bytes without compressing per request (server/http.ts picks one by
 * Accept-Encoding). Hand-written on node:zlib: the work is two calls per file, no dependency needed.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import type { Plugin } from "vite";

const COMPRESSIBLE = new Set([".js", ".css", ".html", ".svg", ".json", ".map", ".txt"]);
/** Smaller files are not worth a second request path (and headers outweigh the saving). */
const MIN_BYTES = 1024;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

/** Compresses every file of `outDir` that compresses (a file whose compressed form is not smaller gets none). */
export function precompressDir(outDir: string): { files: number; bytes: number; brBytes: number } {
  let files = 0;
  let bytes = 0;
  let brBytes = 0;
  for (const file of filesUnder(outDir)) {
    if (!COMPRESSIBLE.has(path.extname(file)) || statSync(file).size < MIN_BYTES) continue;
    const raw = readFileSync(file);
    const br = brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length } });
    const gz = gzipSync(raw, { level: 9 });
    if (br.length < raw.length) writeFileSync(`${file}.br`, br);
    if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz);
    files++;
    bytes += raw.length;
    brBytes += Math.min(br.length, raw.length);
  }
  return { files, bytes, brBytes };
}

/** The plugin: runs after Vite has written the bundle. */
export function precompress(): Plugin {
  let outDir = "";
  return {
    name: "flowtune-precompress",
    apply: "build",
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      precompressDir(outDir);
    },
  };
}
