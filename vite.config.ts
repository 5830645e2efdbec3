import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import path from "node:path";
import { precompress } from "./scripts/precompress-plugin.js";

// The editor is built into dist/editor (or FLOWTUNE_EDITOR_OUT: parallel e2e runs) and served by the Flowtune server.
export default defineConfig({
  root: "editor",
  plugins: [react(), precompress()],
  build: { outDir: process.env.FLOWTUNE_EDITOR_OUT ? path.resolve(process.env.FLOWTUNE_EDITOR_OUT) : "../dist/editor", emptyOutDir: true },
  server: { proxy: { "/trpc": "http://127.0.0.1:5175", "/api": "http://127.0.0.1:5175" } },
});
