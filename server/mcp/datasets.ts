/** MCP tools over datasets: import one from JSONL or CSV text, list them. */
import { z } from "zod";
import { MAX_DATASET_TEXT } from "../routers/datasets.js";
import { defineTool, procedureInput } from "./tool.js";

export const importDataset = defineTool({
  name: "import_dataset",
  title: "Import a dataset",
  description:
    `Stores JSONL or CSV text (CSV when fileName ends in .csv) as a new version of the named dataset (the same rows again: the ` +
    `existing version). At most ${MAX_DATASET_TEXT} characters. Optimizations read a dataset by name (its newest version) or id.`,
  procedures: ["datasets.import"],
  input: procedureInput("datasets.import"),
  async run(input, { api }) {
    const r = await api.datasets.import(input);
    return { ...r };
  },
});

export const listDatasets = defineTool({
  name: "list_datasets",
  title: "List datasets",
  description: "Every stored dataset version: id, name, version, row count.",
  procedures: ["datasets.list"],
  // datasets.list takes no input.
  input: z.object({}),
  async run(_args, { api }) {
    return { datasets: await api.datasets.list() };
  },
});

export const datasetTools = [importDataset, listDatasets];
