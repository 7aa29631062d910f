/** The one decision pipeline (docs/architecture.md): what an entry point needs to run decisions. */
export { runDecisions, type RunOptions } from "./run";
export { toStoreItem, MAX_CLOCK_SKEW_MS } from "./item";
export type { PipelineDeps } from "./deps";
