import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The editor is built into dist/editor and served by the Flowtune server.
export default defineConfig({
  root: "editor",
  plugins: [react()],
  build: { outDir: "../dist/editor", emptyOutDir: true },
  server: { proxy: { "/trpc": "http://127.0.0.1:5175", "/api": "http://127.0.0.1:5175" } },
});
