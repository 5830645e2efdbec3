/** Builds the editor benchmark's two pages (ours and plain React Flow) as one Vite app. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  logLevel: "warn",
  plugins: [react()],
  build: {
    outDir: process.env.FLOWTUNE_BENCH_OUT ?? path.join(here, "../../tmp/bench-editor"),
    emptyOutDir: true,
    minify: !process.env.BENCH_DEBUG,
    rollupOptions: { input: { ours: path.join(here, "ours.html"), plain: path.join(here, "plain.html") } },
  },
});
