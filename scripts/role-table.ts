// Prints the API's role table (Markdown) — the one embedded in docs/security.md.
import { roleTableMarkdown } from "../server/auth/role-table.js";

process.stdout.write(`${roleTableMarkdown()}\n`);
