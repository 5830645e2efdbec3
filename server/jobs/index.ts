export { InProcessJobRunner, type InProcessJobRunnerOptions } from "./in-process.js";
export { abortedByShutdown, JobShutdownError, type Job, type JobInfo, type JobRunner } from "./types.js";
export { ProgressChannel, type Sequenced } from "./progress.js";
