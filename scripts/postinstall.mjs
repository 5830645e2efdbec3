#!/usr/bin/env node
// Generates the Prisma client (into generated/prisma, git-ignored) after `npm install`, offline.
//
// Prisma's CLI tries to download a native schema engine from Prisma's servers before almost any
// command, even `generate`, which does not use it. Pointing PRISMA_SCHEMA_ENGINE_BINARY at an
// existing file stops the download; scripts/prisma-engine-shim.mjs (an offline stand-in for the
// engine, used for authoring migrations) is that file (see
// docs/development.md). CHECKPOINT_DISABLE and PRISMA_HIDE_UPDATE_MESSAGE keep the CLI from
// phoning home for telemetry and update checks.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const schema = path.join(root, "prisma", "schema.prisma");
if (!existsSync(schema)) process.exit(0);

const require = createRequire(path.join(root, "package.json"));
let cli;
try {
  cli = require.resolve("prisma/build/index.js");
} catch {
  // e.g. `npm ci --omit=dev`: the CLI (a devDependency) is absent.
  console.warn("[flowtune] prisma CLI not installed; skipping `prisma generate` (the server needs generated/prisma)");
  process.exit(0);
}

// The CLI spawns the shim directly (migrate commands): make sure it is executable whatever the
// checkout did with file modes.
const shim = path.join(root, "scripts", "prisma-engine-shim.mjs");
try {
  chmodSync(shim, 0o755);
} catch {
  // read-only checkout: generate does not need it to be executable
}

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || shim,
  CHECKPOINT_DISABLE: "1",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  PRISMA_HIDE_PREVIEW_FLAG_WARNINGS: "1",
};
const result = spawnSync(
  process.execPath,
  [cli, "generate", "--schema", schema, "--config", path.join(root, "prisma.config.ts"), "--no-hints"],
  { cwd: root, env, stdio: "inherit" },
);
if (result.error) throw result.error;
if (result.status !== 0) {
  console.error(`[flowtune] prisma generate failed (exit ${result.status ?? result.signal})`);
  process.exit(result.status ?? 1);
}
