/**
 * Named run-input presets of a workflow (the run form's "save as…" / "load"), shared by its
 * editors: one row per (workflow, name), saved again under the same name replaces its inputs.
 * The inputs obey the run-input limits (size, nesting) so that loading one always gives a form
 * that can start a run. Deleted with the workflow (server/store/workflows.ts).
 */
import { randomUUID } from "node:crypto";
import { FlowtuneError, InputValidationError } from "../../engine/errors.js";
import { checkRunInputSize } from "../../engine/graph/inputs.js";
import { MAX_JSON_DEPTH, tooDeepPath } from "../../engine/util/json-depth.js";
import type { PrismaClient } from "../../generated/prisma/client.js";
import { withDbRetry } from "../store/transient.js";

/** Most presets one workflow keeps (each may hold up to runInputChars of inputs). */
export const MAX_PRESETS_PER_WORKFLOW = 50;

export interface InputPresetRecord {
  id: string;
  workflowId: string;
  name: string;
  inputs: Record<string, unknown>;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

type Row = { id: string; workflowId: string; name: string; inputs: string; createdBy: string; createdAt: Date; updatedAt: Date };

function toRecord(row: Row): InputPresetRecord {
  return { ...row, inputs: JSON.parse(row.inputs) as Record<string, unknown> };
}

/** Refuses inputs a run would refuse for their size or nesting (the error names the input). */
export function checkPresetInputs(inputs: Record<string, unknown>): void {
  for (const [name, v] of Object.entries(inputs)) {
    if (tooDeepPath(v)) {
      throw new InputValidationError(`input "${name.slice(0, 100)}" is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`, { field: `inputs.${name.slice(0, 100)}` });
    }
  }
  checkRunInputSize(inputs);
}

/** Presets on the database; callers check roles and workflow grants. */
export class PresetService {
  constructor(private readonly prisma: PrismaClient) {}

  /** The workflow's presets, by name. */
  async list(workflowId: string): Promise<InputPresetRecord[]> {
    const rows = await this.prisma.inputPreset.findMany({ where: { workflowId }, orderBy: { name: "asc" } });
    return rows.map(toRecord);
  }

  /**
   * Creates the preset, or replaces the inputs of the one with this name. NOT_FOUND for an
   * unknown workflow; INPUT_INVALID past MAX_PRESETS_PER_WORKFLOW or for inputs a run would refuse.
   */
  async save(args: { workflowId: string; name: string; inputs: Record<string, unknown>; actor: string }): Promise<InputPresetRecord> {
    checkPresetInputs(args.inputs);
    const text = JSON.stringify(args.inputs);
    // One transaction: the workflow cannot be deleted between the check and the write (no orphan preset).
    const once = () =>
      this.prisma.$transaction(async (tx) => {
        const wf = await tx.workflow.findUnique({ where: { id: args.workflowId }, select: { id: true } });
        if (!wf) throw new FlowtuneError("NOT_FOUND", `workflow "${args.workflowId}" not found`);
        const existing = await tx.inputPreset.findUnique({ where: { workflowId_name: { workflowId: args.workflowId, name: args.name } } });
        if (existing) return tx.inputPreset.update({ where: { id: existing.id }, data: { inputs: text, createdBy: args.actor } });
        const count = await tx.inputPreset.count({ where: { workflowId: args.workflowId } });
        if (count >= MAX_PRESETS_PER_WORKFLOW) {
          throw new FlowtuneError("INPUT_INVALID", `workflow "${args.workflowId}" already has ${count} input presets (at most ${MAX_PRESETS_PER_WORKFLOW}); delete one first`, { field: "name" });
        }
        return tx.inputPreset.create({ data: { id: `pre_${randomUUID()}`, workflowId: args.workflowId, name: args.name, inputs: text, createdBy: args.actor } });
      });
    try {
      return toRecord(await withDbRetry(once));
    } catch (error) {
      // Two saves of a new name at once: the loser finds the winner's row and replaces its inputs.
      if ((error as { code?: unknown } | null)?.code !== "P2002") throw error;
      return toRecord(await withDbRetry(once));
    }
  }

  /** Deletes the preset with this name; false when there was none. */
  async delete(workflowId: string, name: string): Promise<boolean> {
    const { count } = await this.prisma.inputPreset.deleteMany({ where: { workflowId, name } });
    return count > 0;
  }
}

// One service per database client: the router builds it on first use (AppServices stays as it is).
const services = new WeakMap<PrismaClient, PresetService>();

/** The preset service of this database. */
export function presetsOf(prisma: PrismaClient): PresetService {
  let s = services.get(prisma);
  if (!s) services.set(prisma, (s = new PresetService(prisma)));
  return s;
}
