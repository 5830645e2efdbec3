import { readFileSync, statSync } from "node:fs";
import { UsageError } from "./errors.js";

/** Largest file the CLI reads whole (graphs, datasets, inputs): the server's dataset limit. */
export const MAX_CLI_FILE_BYTES = 10 * 1024 * 1024;

/**
 * A UTF-8 text file the user named, or a usage error saying what is wrong with it in one line
 * (missing, a directory, unreadable, too large) instead of a raw EISDIR/EACCES.
 */
export function readUserFile(file: string, what: string): string {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new UsageError(`${what}: ${file} is a directory, not a file`);
    size = st.size;
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${what}: ${code === "ENOENT" ? "no such file" : `cannot read (${code ?? "error"})`}: ${file}`);
  }
  if (size > MAX_CLI_FILE_BYTES) throw new UsageError(`${what}: ${file} is ${size} bytes, over the limit of ${MAX_CLI_FILE_BYTES}`);
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
