/**
 * `flowtune mcp`: the MCP server over stdio, on the local database like every other command.
 *
 * Who the tools act as: with `--token T` (or FLOWTUNE_TOKEN) the token's principal — its role and
 * workflow grants, exactly as over HTTP; without one, the local user every CLI command acts as
 * (admin over every workflow, named $USER), since whoever can start this process can open the
 * database file anyway. stdout carries only the protocol: everything else goes to stderr.
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { AccessError } from "../../server/auth/errors.js";
import { localPrincipal, type Principal } from "../../server/auth/principal.js";
import { createMcpServer } from "../../server/mcp/index.js";
import { formatInternalError } from "../../server/safe-errors.js";
import type { AppServices } from "../../server/services/app.js";
import { seedExampleDatasets, seedExamples } from "../../server/services/examples.js";
import { EXIT, UsageError } from "../errors.js";

/** Sends console.log/info/debug to stderr: a stray log line on stdout would corrupt the protocol stream. */
function keepStdoutForProtocol(): void {
  const toStderr = (...args: unknown[]) => console.error(...args);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}

/** The principal the tools act as: the token's, else the local CLI user. */
async function principalOf(app: AppServices, token: string | undefined, env: NodeJS.ProcessEnv): Promise<Principal> {
  if (token === undefined || token.trim() === "") return localPrincipal(env.USER?.trim() || "cli");
  try {
    return await app.auth.fromBearer(token);
  } catch (err) {
    if (err instanceof AccessError) throw new UsageError(`${err.message} (--token or FLOWTUNE_TOKEN)`);
    throw err;
  }
}

/** Resolves when stdin ends, the transport closes, or SIGINT/SIGTERM arrives. */
function untilClosed(transport: StdioServerTransport): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      process.off("SIGINT", done);
      process.off("SIGTERM", done);
      resolve();
    };
    transport.onclose = done;
    process.stdin.once("end", done);
    process.once("SIGINT", done);
    process.once("SIGTERM", done);
  });
}

/**
 * Serves MCP on stdin/stdout until the client closes the stream. A fresh database (no workflow yet)
 * gets the examples and their datasets first, as the server seeds them (FLOWTUNE_SEED_EXAMPLES=0: never).
 */
export async function mcpCommand(opts: { token?: string }, services: () => Promise<AppServices>, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  keepStdoutForProtocol();
  const app = await services();
  const principal = await principalOf(app, opts.token ?? env.FLOWTUNE_TOKEN, env);
  if (env.FLOWTUNE_SEED_EXAMPLES !== "0" && (await app.workflows.list()).length === 0) {
    await seedExamples(app.workflows);
    await seedExampleDatasets(app.datasets);
  }
  const server = createMcpServer({
    services: app,
    principal,
    onError: (err, where) => console.error(formatInternalError(err, where, (text) => app.redact(text))),
  });
  const transport = new StdioServerTransport();
  const closed = untilClosed(transport);
  await server.connect(transport);
  console.error(`flowtune mcp: serving on stdio as "${principal.name}" (${principal.role}${principal.workflows ? `, workflows ${principal.workflows.join(", ")}` : ""}); database ${app.db.path}`);
  await closed;
  await server.close().catch(() => undefined);
  return EXIT.ok;
}
