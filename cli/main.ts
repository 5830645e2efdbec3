import { Command, CommanderError } from "commander";
import { createAppServices, type AppServices } from "../server/services/app.js";
import { loginUrlCommand, tokenCreateCommand, tokenListCommand, tokenRevokeCommand } from "./commands/auth.js";
import { batchCommand } from "./commands/batch.js";
import { datasetImportCommand, datasetListCommand } from "./commands/dataset.js";
import { mcpCommand } from "./commands/mcp.js";
import { chatCommand, type ChatFlags } from "./commands/chat.js";
import { memoryClearCommand, memoryListCommand, memoryShowCommand } from "./commands/memory.js";
import { auditCommand, diffCommand, paramsCommand, promoteCommand, rollbackCommand } from "./commands/params.js";
import { candidatesCommand, optimizeCommand, type OptimizeFlags } from "./commands/optimize.js";
import { runCommand } from "./commands/run.js";
import { rerunCommand, runsCommand, showCommand } from "./commands/runs.js";
import { validateCommand } from "./commands/validate.js";
import { EXIT, reportError } from "./errors.js";

/** Builds the `flowtune` command; `services` opens the database lazily (validate never does). */
export function buildProgram(setExit: (code: number) => void, services: () => Promise<AppServices>): Command {
  const program = new Command("flowtune")
    .description("Run, inspect and tune LLM workflow graphs (embedded SQLite; sim provider by default)")
    .version("0.1.0")
    .exitOverride()
    // Program options only before the subcommand, so `promote --version 2` reaches promote, not -V.
    .enablePositionalOptions()
    .showHelpAfterError("(run with --help for usage)");
  const wrap =
    <A extends unknown[]>(f: (...a: A) => number | Promise<number>) =>
    async (...a: A) =>
      setExit(await f(...a));

  program.command("validate").argument("<file>", "graph file").option("--json", "machine-readable output").description("check a graph file; exit 1 naming every problem")
    .action(wrap((file: string, o: { json?: boolean }) => validateCommand(file, o)));
  program.command("run").argument("<workflow>", "graph file or stored workflow id").option("-i, --input <json>", "inputs as JSON or @file.json").option("--json", "print one JSON document")
    .option("--no-production", "run the graph's own parameters instead of each AI node's production version")
    .option("--preset <name>", "start from the workflow's saved input preset (--input overrides its fields)")
    .description("run a workflow once and record it")
    .action(wrap((w: string, o: { input?: string; json?: boolean; production?: boolean; preset?: string }) => runCommand(w, o, services)));
  program.command("batch").argument("<workflow>", "graph file or stored workflow id").requiredOption("-d, --dataset <file>", "JSONL or CSV dataset")
    .option("-c, --concurrency <n>", "runs at once", "4").option("--no-cache", "bypass the response cache").option("--no-production", "use the graph's own parameters, not production versions").option("--json", "print stats as JSON")
    .description("run a workflow over every row of a dataset and print stats")
    .action(wrap((w: string, o: { dataset: string; concurrency?: string; json?: boolean; cache?: boolean; production?: boolean }) => batchCommand(w, o, services)));
  program.command("runs").option("-w, --workflow <id>", "only this workflow").option("-n, --limit <n>", "how many", "20").option("--json", "JSON output")
    .description("list recent runs").action(wrap((o: { workflow?: string; limit?: string; json?: boolean }) => runsCommand(o, services)));
  program.command("show").argument("<run>", "run id").option("--json", "JSON output").description("per-node timeline of a run")
    .action(wrap((id: string, o: { json?: boolean }) => showCommand(id, o, services)));
  program.command("rerun").argument("<run>", "run id").requiredOption("--from <node>", "node to re-run from").option("--json", "print one JSON document")
    .description("re-run a run from a node, reusing upstream outputs")
    .action(wrap((id: string, o: { from: string; json?: boolean }) => rerunCommand(id, o, services)));
  const collect = (v: string, prev: string[] = []) => [...prev, v];
  program.command("chat").argument("<workflow>", "graph file or stored workflow id").requiredOption("--thread <id>", "conversation id: runs on the same thread share memory")
    .option("-i, --input <field=value>", "an input fixed for every message (repeatable; or a JSON object)", collect)
    .option("--message-field <name>", "input each line goes into (default: the first other text input)").option("--thread-field <name>", "input the thread id goes into (default: from the memory's thread template)")
    .option("--json", "one JSON line per answer (runId, answer, memory)").option("--no-production", "run the graph's own parameters instead of each AI node's production version")
    .description("chat with a workflow's AI node that has memory: each stdin line is one run on the thread")
    .action(wrap((w: string, o: ChatFlags) => chatCommand(w, o, services)));
  const memory = program.command("memory").description("list, show and clear the conversation memory of a workflow's AI nodes");
  memory.command("list").argument("<workflow>", "stored workflow id or graph file").option("--node <id>", "only this AI node").option("--json", "JSON output")
    .description("the workflow's threads").action(wrap((w: string, o: { node?: string; json?: boolean }) => memoryListCommand(w, o, services)));
  memory.command("show").argument("<workflow>", "stored workflow id or graph file").requiredOption("--thread <id>", "thread id").option("--node <id>", "AI node (when several have this thread)").option("--json", "JSON output")
    .description("a thread's messages and summary").action(wrap((w: string, o: { thread: string; node?: string; json?: boolean }) => memoryShowCommand(w, o, services)));
  memory.command("clear").argument("<workflow>", "stored workflow id or graph file").requiredOption("--thread <id>", "thread id").option("--node <id>", "AI node (when several have this thread)")
    .description("delete a thread's messages and summary").action(wrap((w: string, o: { thread: string; node?: string }) => memoryClearCommand(w, o, services)));
  // No commander defaults here: an option is set only when given, so it can override an optimizer node's value (defaults in the help).
  program.command("optimize").argument("<workflow>", "graph file or stored workflow id")
    .option("--node <id>", "AI node to tune (repeatable)", collect)
    .option("--optimizer <id>", "take every setting from this optimizer node of the graph; options given override it")
    .option("-d, --dataset <name|file>", "imported dataset name or a JSONL/CSV file (default: the optimizer node's)")
    .option("-s, --strategy <s>", "random | grid | tpe | nsga2 | reflective | bootstrap_fewshot (default: tpe)")
    .option("-o, --objective <metric:dir>", "evaluation node id or tokens/latency/cost, with :max or :min (repeatable; default: the optimizer node's objectives, else every evaluation node :max)", collect)
    .option("--max-candidates <n>", "candidates to evaluate, baseline included (default: 24)").option("--budget-tokens <n>", "hard cap on tokens spent")
    .option("--budget-cost <usd>", "hard cap on cost").option("-c, --concurrency <n>", "examples evaluated at once (default: 4)").option("--seed <k>", "random seed (default: 0)")
    .option("--resume <run>", "resume an interrupted optimization (its stored configuration and dataset)").option("--json", "print the stored run (runId, status, stopReason, totals, baseline, best, pareto, versions) as JSON")
    .description("tune an AI node's parameters against evaluation scores over a dataset; exit 0 when the search finished, 3 when a budget ended it")
    .action(wrap((w: string, o: OptimizeFlags) => optimizeCommand(w, o, services)));
  program.command("candidates").argument("<run>", "optimization run id").option("--json", "JSON output").description("every candidate of an optimization")
    .action(wrap((id: string, o: { json?: boolean }) => candidatesCommand(id, o, services)));
  const dataset = program.command("dataset").description("import and list datasets (versioned by name, content-hashed)");
  dataset.command("import").argument("<file>", "JSONL or CSV file").requiredOption("--name <name>", "dataset name").option("--json", "JSON output")
    .description("store a dataset file as a new version (same rows: the existing version)")
    .action(wrap((f: string, o: { name: string; json?: boolean }) => datasetImportCommand(f, o, services)));
  dataset.command("list").option("--json", "JSON output").description("list stored datasets").action(wrap((o: { json?: boolean }) => datasetListCommand(o, services)));
  program.command("params").argument("<workflow>", "stored workflow id or graph file").option("--node <id>", "AI node id (without it: what every AI node runs)").option("--actor <name>", "who is acting (default $USER)")
    .option("--json", "JSON output").description("list an AI node's parameter versions (production marked *), or what each AI node runs: managed by a production version or its graph fields, and pending drafts")
    .action(wrap((w: string, o: { node?: string; json?: boolean; actor?: string }) => paramsCommand(w, o, services)));
  program.command("promote").argument("<workflow>", "stored workflow id or graph file").requiredOption("--node <id>", "AI node id").requiredOption("--version <v>", "version to put in production (2 or v2)")
    .requiredOption("--reason <text>", "why (recorded in the audit trail)").option("--actor <name>", "who is acting (default $USER)").option("--json", "JSON output")
    .description("point an AI node's production parameters at a version")
    .action(wrap((w: string, o: { node: string; version: string; reason: string; actor?: string; json?: boolean }) => promoteCommand(w, o, services)));
  program.command("rollback").argument("<workflow>", "stored workflow id or graph file").requiredOption("--node <id>", "AI node id").option("--to <v>", "version to return to (default: undo the last promotion)")
    .requiredOption("--reason <text>", "why (recorded in the audit trail)").option("--actor <name>", "who is acting (default $USER)").option("--json", "JSON output")
    .description("return an AI node's production parameters to an earlier production version")
    .action(wrap((w: string, o: { node: string; to?: string; reason: string; actor?: string; json?: boolean }) => rollbackCommand(w, o, services)));
  program.command("diff").argument("<workflow>", "stored workflow id or graph file").argument("<v1>").argument("<v2>").requiredOption("--node <id>", "AI node id").option("--json", "JSON output")
    .description("compare two parameter versions: prompt lines, parameter changes, metric deltas")
    .action(wrap((w: string, a: string, b: string, o: { node: string; json?: boolean }) => diffCommand(w, a, b, o, services)));
  program.command("audit").argument("<workflow>", "stored workflow id or graph file").option("--node <id>", "only this AI node").option("-n, --limit <n>", "how many", "50").option("--json", "JSON output")
    .description("parameter audit trail, newest first")
    .action(wrap((w: string, o: { node?: string; limit?: string; json?: boolean }) => auditCommand(w, o, services)));
  const token = program.command("token").description("API tokens for scripts and CI (stored hashed; the secret is shown once)");
  token.command("create").requiredOption("--role <role>", "viewer | editor | admin").option("--workflow <id>", "limit the token to this workflow (repeatable)", collect)
    .option("--name <name>", "who or what the token is for").option("--expires-days <n>", "expire after n days").option("--json", "JSON output (includes the secret)")
    .description("create a token and print its secret once")
    .action(wrap((o: { role: string; workflow?: string[]; name?: string; expiresDays?: string; json?: boolean }) => tokenCreateCommand(o, services)));
  token.command("list").option("--json", "JSON output").description("list tokens (never their secrets)").action(wrap((o: { json?: boolean }) => tokenListCommand(o, services)));
  token.command("revoke").argument("<id>", "token id (tok_…)").description("revoke a token and end its sessions").action(wrap((id: string) => tokenRevokeCommand(id, services)));
  program.command("login-url").option("--name <name>", "who signs in with it", "owner").option("--role <role>", "viewer | editor | admin", "admin").option("--json", "JSON output")
    .description("print a one-time sign-in link for the editor (FLOWTUNE_PUBLIC_URL or FLOWTUNE_HOST/FLOWTUNE_PORT)")
    .action(wrap((o: { name?: string; role?: string; json?: boolean }) => loginUrlCommand(o, services)));
  program.command("mcp").option("--token <token>", "act as this API token (default: FLOWTUNE_TOKEN, else the local user, admin)")
    .description("serve the MCP tools on stdio for an agent (docs/mcp.md); stdout carries only the protocol")
    .action(wrap((o: { token?: string }) => mcpCommand(o, services)));
  return program;
}

/** Entry point: parses argv, runs the command, closes the database, exits with the command's code. */
export async function main(argv = process.argv): Promise<number> {
  let app: AppServices | undefined;
  const services = async () => (app ??= await createAppServices({ latencyScale: process.env.FLOWTUNE_SIM_LATENCY_SCALE ? Number(process.env.FLOWTUNE_SIM_LATENCY_SCALE) : 1 }));
  let code: number = EXIT.ok;
  try {
    await buildProgram((c) => (code = c), services).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      code = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    } else {
      code = reportError(err);
    }
  } finally {
    await app?.close();
  }
  return code;
}
