import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { keyAccess } from "../auth/access";
import { merchantMismatch, withKeyMerchant } from "../auth/merchant-scope";
import { fieldErrors } from "../errors/field-errors";
import { ApiError, ProblemSchema, problem } from "../errors/problem";
import { jsonBody } from "../middleware/json-body";
import { panError } from "../middleware/pan-guard";
import { withRequestDegradations } from "../middleware/rate-limit";
import { findPanPaths } from "../schemas/pan";
import { BatchRequestSchema, BatchResponseSchema, MAX_BATCH, type BatchItem } from "../schemas/score";
import { TransactionRequestSchema } from "../schemas/transaction";
import { afterResponse } from "../scoring/after-response";
import { edgeContext } from "../scoring/edge";
import { toStoreItem } from "../scoring/item";
import { scoreDeps } from "../scoring/load-model";
import { scoreItems } from "../scoring/score";
import type { AppEnv } from "../services";
import type { StoreItem } from "../store/feature-store";

export const MAX_BATCH_BODY_BYTES = 2 * 1024 * 1024;

const access = keyAccess({ keys: ["secret"], scope: "score:batch" });

const problems = (description: string) => ({ content: { "application/problem+json": { schema: ProblemSchema } }, description });

export const scoreBatchRoute = createRoute({
  method: "post",
  path: "/v1/score/batch",
  summary: "Score up to 1000 transactions in one call",
  description:
    "Results come back in request order. Each item is validated on its own: an invalid item gets an `error` entry (a problem document) and the others are scored. One feature-store round trip and one model call serve the whole batch.",
  security: access.security,
  middleware: [...access.middleware, jsonBody(MAX_BATCH_BODY_BYTES)] as const,
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

    const entries: (BatchItem | { pending: number })[] = [];
    const items: StoreItem[] = [];
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
      entries.push({ pending: items.length });
      items.push(toStoreItem(withKeyMerchant(parsed.data, principal), edge, receivedAt, principal));
    });

    const deps = await scoreDeps(services);
    const run = await withRequestDegradations(c, await scoreItems(items, deps, c.get("startedAt")));
    const results = entries.map((e): BatchItem => {
      if (!("pending" in e)) return e;
      const o = run.outcomes[e.pending]!;
      if (o.kind === "in_progress") {
        return { transaction_id: o.transactionId, error: new ApiError("idempotency_in_progress").toProblem() };
      }
      return o.result;
    });
    afterResponse(c, items, run);
    const totalMs = Math.round((performance.now() - c.get("startedAt")) * 1000) / 1000;
    return c.json(
      {
        results,
        model: { id: deps.model.card.id, version: deps.model.card.version },
        timings: { total_ms: totalMs, model_ms: Math.round(run.modelMs * 1000) / 1000 },
        degraded: run.degraded,
      },
      200,
    );
  });
}
