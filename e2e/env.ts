/**
 * Where the end-to-end server lives: its port and its database. Shared by playwright.config.ts
 * (which starts the server on them) and the specs (which make login links against the same
 * database with the CLI).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const PORT = Number(process.env.FLOWTUNE_E2E_PORT ?? 5317);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
// Created once by the runner; its workers inherit the variable instead of making their own.
process.env.FLOWTUNE_E2E_TMP ??= mkdtempSync(path.join(os.tmpdir(), "flowtune-e2e-"));
export const DB_PATH = path.join(process.env.FLOWTUNE_E2E_TMP, "e2e.db");
export const DATABASE_URL = `file:${DB_PATH}`;

/**
 * A fresh one-time login link (`…/login#code=ftl_…`) from the CLI, as a user makes one with
 * `npx flowtune login-url`. It goes through bin/flowtune.js (what npx runs): cli/main.ts only
 * exports `main`, so `tsx cli/main.ts` alone would print nothing.
 */
export function createLoginUrl(opts: { name?: string; role?: "viewer" | "editor" | "admin" } = {}): string {
  const args = [path.join(process.cwd(), "bin", "flowtune.js"), "login-url", "--json"];
  if (opts.name) args.push("--name", opts.name);
  if (opts.role) args.push("--role", opts.role);
  const out = execFileSync(process.execPath, args, {
    cwd: process.cwd(),
    env: { ...process.env, DATABASE_URL, FLOWTUNE_PORT: String(PORT) },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 60_000,
  });
  const last = out.trim().split("\n").at(-1) ?? "";
  const url = last.startsWith("{") ? (JSON.parse(last) as { url?: string }).url : last;
  if (!url || !/\/login#code=/.test(url)) throw new Error(`flowtune login-url printed no login URL:\n${out}`);
  return url;
}
