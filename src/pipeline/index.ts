/** The one decision pipeline (docs/architecture.md): what an entry point needs to run decisions. */
export { runDecisions, type RunOptions } from "./run";
export { CREATED_AT_TOLERANCE, createdAtProblem, toStoreItem, type Caller } from "./item";
export type { PipelineDeps } from "./deps";
export { testRule, type RuleTestResult } from "./rule-test";
