export { createRun, runGraph } from "./run.js";
export type { RunHandle, RunOptions, RunResult, NodeResult } from "./types.js";
export type { RunHistorySink, RunHistoryReader, StoredRun } from "./history.js";
export { Scheduler } from "./scheduler.js";
export { prepareGraph, isPreparedGraph, type PreparedGraph } from "../graph/prepare.js";
