/** The edge fraud scorer's TypeScript client (client/README.md). */
export { FraudScorer, type FraudScorerOptions, type Transaction, type ScoreResult, type BatchScoreResponse, type FeedbackLabel, type FeedbackResponse, type Entity } from "./client";
export { ProblemError, TransportError, type Problem, type ProblemCode } from "./errors";
export { DEFAULT_RETRY, retryingFetch, type RetryPolicy } from "./retry";
export type { components, paths } from "./schema";
