import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { merchantMismatch, withKeyMerchant } from "../auth/merchant-scope";
import { fieldErrors } from "../errors/field-errors";
import { ApiError, problem } from "../errors/problem";
import { edgeContext } from "../http/edge";
import type { AppEnv } from "../http/env";
import { jsonBody } from "../http/json-body";
import { keyAccess } from "../http/key-access";
import { panError } from "../http/pan-guard";
import { problems } from "../http/problems";
import { rateLimitBy, requestDegradations } from "../http/rate-limit";
import { createdAtProblem, runDecisions, toStoreItem } from "../pipeline";
import { findPanPaths } from "../utils/pan";
import { BatchRequestSchema, BatchResponseSchema, MAX_BATCH, type BatchItem } from "../schemas/score";
import { TransactionRequestSchema } from "../schemas/transaction";
import type { StoreItem } from "../store/interface";
import { msSince, roundMs } from "../utils/round";

export const MAX_BATCH_BODY_BYTES = 2 * 1024 * 1024;

/**
 * What a batch costs against its key's limit beyond the unit it paid on arrival: one unit per further transaction.
 * The arrival unit is checked before the body is read, so a body refused as too large or malformed is counted too.
 */
function restOfBatchCost(c: Context<AppEnv>): number {
  return Math.max(0, batchSize(c) - 1);
}

function batchSize(c: Context<AppEnv>): number {
  const transactions = (c.get("body") as { transactions?: unknown } | null)?.transactions;
  return Array.isArray(transactions) ? Math.min(transactions.length, MAX_BATCH) : 1;
}

const access = keyAccess({ keys: ["secret"], scope: "score:batch" });

export const scoreBatchRoute = createRoute({
  method: "post",
  path: "/v1/score/batch",
  summary: "Score up to 1000 transactions in one call",
  description:
    "Results come back in request order. Each item is validated on its own: an invalid item gets an `error` entry (a problem document) and the others are scored. One feature-store round trip and one model call serve the whole batch.",
  security: access.security,
  // One rate-limit unit on arrival, then one per further transaction once the body is read.
  middleware: [...access.middleware, jsonBody(MAX_BATCH_BODY_BYTES), rateLimitBy(restOfBatchCost, { scores: batchSize })] as const,
  request: { body: { content: { "application/json": { schema: BatchRequestSchema } }, required: true } },
  responses: {
    ...access.responses,
    200: { content: { "application/json": { schema: BatchResponseSchema } }, description: "One entry per transaction, in order" },
    400: problems(`Malformed JSON, or \`transactions\` missing, empty or longer than ${MAX_BATCH}`),
    413: problems(`Body over ${MAX_BATCH_BODY_BYTES} bytes`),
    415: problems("Content-Type is not application/json"),
  },
});

export function registerScoreBatch(app: OpenAPIHono<AppEnv>) {
  app.openapi(scoreBatchRoute, async (c) => {
    const { transactions } = c.req.valid("json");
    const services = c.get("services");
    const principal = c.get("principal");
    const edge = edgeContext(c.req.raw);
    const receivedAt = Date.now();

    const caller = { kind: principal.kind, mode: principal.mode };
    const entries: (BatchItem | { pending: number })[] = [];
    const items: Promise<StoreItem>[] = [];
    transactions.forEach((raw, i) => {
      const id = raw && typeof raw === "object" ? (raw as { transaction_id?: unknown }).transaction_id : undefined;
      const txId = typeof id === "string" ? { transaction_id: id } : {};
      const pans = findPanPaths(raw);
      if (pans.length > 0) {
        // No transaction_id here: it may be the very field that held the card number.
        entries.push({ error: panError(pans, ["transactions", i]).toProblem() });
        return;
      }
      const parsed = TransactionRequestSchema.safeParse(raw);
      if (!parsed.success) {
        entries.push({ ...txId, error: problem("validation_failed", undefined, fieldErrors(parsed.error, ["transactions", i])) });
        return;
      }
      const denied = merchantMismatch(parsed.data, principal, ["transactions", i]);
      if (denied) {
        entries.push({ ...txId, error: denied.toProblem() });
        return;
      }
      const late = createdAtProblem(parsed.data, receivedAt, caller, ["transactions", i]);
      if (late) {
        entries.push({ ...txId, error: problem("validation_failed", undefined, [late]) });
        return;
      }
      entries.push({ pending: items.length });
      items.push(toStoreItem(withKeyMerchant(parsed.data, principal), edge, receivedAt, caller));
    });

    const run = await runDecisions(await Promise.all(items), services, {
      startedAt: c.get("startedAt"),
      degradations: requestDegradations(c),
      waitUntil: (work) => c.executionCtx.waitUntil(work),
    });
    const results = entries.map((e): BatchItem => {
      if (!("pending" in e)) return e;
      const o = run.outcomes[e.pending]!;
      if (o.kind === "in_progress") return { transaction_id: o.transactionId, error: new ApiError("idempotency_in_progress").toProblem() };
      if (o.kind === "conflict") return { transaction_id: o.transactionId, error: new ApiError("idempotency_key_reused").toProblem() };
      return o.result;
    });
    return c.json(
      {
        results,
        model: run.model,
        timings: { total_ms: msSince(c.get("startedAt")), model_ms: roundMs(run.modelMs) },
        degraded: run.degraded,
      },
      200,
    );
  });
}
