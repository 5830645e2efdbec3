import type { AppServices } from "../../server/services/app.js";
import { effectiveParams, saveGraph, type ManagedEdit } from "../../server/services/managed-edits.js";
import type { MoveResult, ParameterDiff, ParameterVersionRecord } from "../../server/store/parameters.js";
import { EXIT, UsageError } from "../errors.js";
import { cell, color, table } from "../format.js";
import { metricsText } from "../metrics-text.js";
import { ActorNameSchema, ReasonSchema } from "../../engine/schema/labels.js";
import { textOption } from "../text-option.js";
import { isFileArg, loadGraphFile, storedWorkflow } from "../load.js";

type Services = () => Promise<AppServices>;

export interface ActorFlags {
  actor?: string;
}

/** Who is acting: `--actor`, else $USER, else "cli". */
export function actorOf(flags: ActorFlags, env: NodeJS.ProcessEnv = process.env): string {
  return flags.actor?.trim() || env.USER?.trim() || env.USERNAME?.trim() || "cli";
}

/** The checked `--reason` and actor of a promote or rollback. */
function moveText(flags: { reason: string } & ActorFlags): { reason: string; actor: string } {
  return { reason: textOption(ReasonSchema, flags.reason, "--reason"), actor: textOption(ActorNameSchema, actorOf(flags), flags.actor ? "--actor" : "the actor ($USER)") };
}

/** Parses a version argument: `3` or `v3`. */
export function parseVersion(value: string, what = "version"): number {
  const m = /^v?(\d+)$/i.exec(value.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${what} must be a version number like 2 or v2 (got "${value}")`);
  return n;
}

/**
 * A stored workflow id, or a graph file that is then saved as a workflow (a new workflow version
 * only when it changed), because parameter versions are read from the stored graph. A file that
 * edits a managed field saves the edit as a draft, and says so on stderr (stdout stays the result).
 */
export async function storedWorkflowId(arg: string, services: Services, flags: ActorFlags = {}): Promise<string> {
  if (isFileArg(arg)) {
    const graph = loadGraphFile(arg);
    const saved = await saveGraph(await services(), graph, `saved by the CLI from ${arg}`, { actor: actorOf(flags) });
    process.stderr.write(managedEditsText(saved.managedEdits));
    return graph.id;
  }
  return (await storedWorkflow(arg, services)).id;
}

/** One `note:` line per managed edit of a save (empty when there is none). */
export function managedEditsText(edits: readonly ManagedEdit[]): string {
  return edits.map((e) => `note: ${e.message}\n`).join("");
}

const date = (d: Date) => d.toISOString().replace("T", " ").slice(0, 19);

function source(v: ParameterVersionRecord): string {
  if (v.version === 1 && v.workflowVersion !== null) return `graph (workflow v${v.workflowVersion})`;
  if (v.note?.startsWith("graph edit")) return `graph edit (${v.actor})`;
  const parts: string[] = [];
  if (v.optimizationRunId) parts.push(`run ${v.optimizationRunId}`);
  if (v.sourceCandidateId !== null) parts.push(`candidate ${v.sourceCandidateId}`);
  if (v.datasetId) parts.push(`dataset ${v.datasetId}`);
  return parts.length ? parts.join(", ") : `manual (${v.actor})`;
}

/** `flowtune params WORKFLOW` without `--node`: what each AI node runs (managed or its graph fields). */
async function effectiveCommand(workflowId: string, flags: { json?: boolean }, services: Services): Promise<number> {
  const app = await services();
  const wf = await storedWorkflow(workflowId, services);
  const nodes = await effectiveParams(app.parameters, wf.id, wf.graph);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ workflowId: wf.id, workflowVersion: wf.version, nodes }, null, 2)}\n`);
    return EXIT.ok;
  }
  if (nodes.length === 0) {
    process.stdout.write(`${wf.id} has no AI nodes\n`);
    return EXIT.ok;
  }
  process.stdout.write(
    `${table(
      ["node", "runs", "model", "graph fields not running", "pending draft"],
      nodes.map((n) => [
        n.nodeId,
        n.managed ? color("green", `production v${n.version}`) : "graph (v1)",
        cell(`${n.params.provider}/${n.params.model}`, 40),
        n.divergentFields.length ? cell(n.divergentFields.join(", "), 48) : "-",
        n.pendingDraft ? `v${n.pendingDraft.version} (${n.pendingDraft.fields.join(", ")})` : "-",
      ]),
    )}\n`,
  );
  if (nodes.some((n) => n.pendingDraft)) process.stdout.write("a pending draft holds a graph edit that does not run until it is promoted (flowtune promote … --version N)\n");
  return EXIT.ok;
}

/** `flowtune params WORKFLOW --node ID [--json]`: the node's versions, production marked; without `--node`, what each AI node runs. */
export async function paramsCommand(arg: string, flags: { node?: string; json?: boolean } & ActorFlags, services: Services): Promise<number> {
  const workflowId = await storedWorkflowId(arg, services, flags);
  if (flags.node === undefined) return effectiveCommand(workflowId, flags, services);
  const { production, versions } = await (await services()).parameters.listVersions(workflowId, flags.node, actorOf(flags));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ workflowId, nodeId: flags.node, production, versions }, null, 2)}\n`);
    return EXIT.ok;
  }
  process.stdout.write(`${workflowId} / ${flags.node}: production is v${production}\n`);
  process.stdout.write(
    `${table(
      ["", "version", "status", "metrics", "created", "by", "source", "checksum"],
      versions.map((v) => [
        v.version === production ? "*" : "",
        `v${v.version}`,
        v.status === "production" ? color("green", v.status) : v.status,
        cell(metricsText(v.metrics), 72),
        date(v.createdAt),
        v.actor,
        cell(source(v), 48),
        v.checksum.slice(0, 12),
      ]),
    )}\n`,
  );
  return EXIT.ok;
}

function printMove(workflowId: string, nodeId: string, verb: string, r: MoveResult, json?: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ workflowId, nodeId, ...r }, null, 2)}\n`);
    return;
  }
  process.stdout.write(
    r.changed
      ? `${workflowId} / ${nodeId}: ${verb} v${r.from} → v${r.to} (production is now v${r.to})\n`
      : `${workflowId} / ${nodeId}: v${r.to} is already production; nothing changed\n`,
  );
}

/** `flowtune promote WORKFLOW --node ID --version V --reason TEXT`: points production at V. */
export async function promoteCommand(
  arg: string,
  flags: { node: string; version: string; reason: string; json?: boolean } & ActorFlags,
  services: Services,
): Promise<number> {
  const version = parseVersion(flags.version, "--version");
  const { reason, actor } = moveText(flags);
  const workflowId = await storedWorkflowId(arg, services, flags);
  const r = await (await services()).parameters.promote({ workflowId, nodeId: flags.node, version, reason, actor });
  printMove(workflowId, flags.node, "promoted", r, flags.json);
  return EXIT.ok;
}

/** `flowtune rollback WORKFLOW --node ID [--to V] --reason TEXT`: back to V, or undo the last promotion. */
export async function rollbackCommand(
  arg: string,
  flags: { node: string; to?: string; reason: string; json?: boolean } & ActorFlags,
  services: Services,
): Promise<number> {
  const to = flags.to === undefined ? undefined : parseVersion(flags.to, "--to");
  const { reason, actor } = moveText(flags);
  const workflowId = await storedWorkflowId(arg, services);
  const r = await (await services()).parameters.rollback({ workflowId, nodeId: flags.node, to, reason, actor });
  printMove(workflowId, flags.node, "rolled back", r, flags.json);
  return EXIT.ok;
}

const signed = (n: number) => `${n >= 0 ? "+" : ""}${Number(n.toPrecision(6))}`;

/** Renders a ParameterDiff as text: prompt lines with +/-, value changes, few-shot examples, metric deltas. */
export function formatDiff(d: ParameterDiff): string {
  const out: string[] = [`${d.workflowId} / ${d.nodeId}: v${d.from} → v${d.to}`];
  if (d.changes.length === 0) out.push("parameters: identical");
  for (const c of d.changes) {
    if (c.kind === "text") {
      out.push(`${c.field}:`);
      for (const l of c.lines) {
        const line = `${l.op} ${l.text}`;
        out.push(l.op === "+" ? color("green", line) : l.op === "-" ? color("red", line) : line);
      }
    } else if (c.kind === "fewShot") {
      out.push(`fewShot: ${c.before} → ${c.after} examples${c.reordered ? " (reordered)" : ""}`);
      for (const e of c.removed) out.push(color("red", `- ${cell(JSON.stringify(e), 120)}`));
      for (const e of c.added) out.push(color("green", `+ ${cell(JSON.stringify(e), 120)}`));
    } else {
      out.push(`${c.field}: ${JSON.stringify(c.before)} → ${JSON.stringify(c.after)}${c.delta !== undefined ? ` (${signed(c.delta)})` : ""}`);
    }
  }
  if (d.metrics.length) {
    out.push("metrics:");
    const fmt = (v: number | null) => (v === null ? "-" : String(Number(v.toPrecision(6))));
    out.push(
      table(
        ["  metric", `v${d.from}`, `v${d.to}`, "delta"],
        d.metrics.map((m) => [`  ${m.name}`, fmt(m.before), fmt(m.after), m.delta === null ? "-" : signed(m.delta)]),
      ),
    );
    if (!d.sameDataset) out.push("note: the two versions' metrics were measured on different datasets");
  } else {
    out.push("metrics: none recorded");
  }
  return out.join("\n");
}

/** `flowtune diff WORKFLOW --node ID V1 V2 [--json]`. */
export async function diffCommand(arg: string, v1: string, v2: string, flags: { node: string; json?: boolean }, services: Services): Promise<number> {
  const from = parseVersion(v1, "V1");
  const to = parseVersion(v2, "V2");
  const workflowId = await storedWorkflowId(arg, services);
  const d = await (await services()).parameters.diff(workflowId, flags.node, from, to);
  process.stdout.write(flags.json ? `${JSON.stringify(d, null, 2)}\n` : `${formatDiff(d)}\n`);
  return EXIT.ok;
}

/** `flowtune audit WORKFLOW [--node ID] [--limit N] [--json]`: newest first. */
export async function auditCommand(arg: string, flags: { node?: string; limit?: string; json?: boolean }, services: Services): Promise<number> {
  const limit = flags.limit === undefined ? 50 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError("--limit must be an integer from 1 to 1000");
  const workflowId = await storedWorkflowId(arg, services);
  const events = await (await services()).parameters.audit(workflowId, { nodeId: flags.node, limit });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(events, null, 2)}\n`);
    return EXIT.ok;
  }
  if (events.length === 0) {
    process.stdout.write(`no parameter changes recorded for ${workflowId}${flags.node ? ` / ${flags.node}` : ""}\n`);
    return EXIT.ok;
  }
  const v = (n: number | null) => (n === null ? "-" : `v${n}`);
  process.stdout.write(
    `${table(
      ["at", "node", "action", "change", "actor", "reason"],
      events.map((e) => [date(e.at), e.nodeId ?? "-", e.action, `${v(e.beforeVersion)} → ${v(e.afterVersion)}`, e.actor, cell(e.reason ?? "", 60)]),
    )}\n`,
  );
  return EXIT.ok;
}
