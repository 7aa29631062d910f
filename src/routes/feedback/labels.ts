import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ApiError, ProblemSchema } from "../../errors/problem";
import type { AppEnv } from "../../http/env";
import { jsonBody } from "../../http/json-body";
import { problems } from "../../http/problems";
import { problem } from "../../errors/problem";
import { FeedbackRequestSchema, LABEL_OUTCOMES, MAX_LABEL_AGE_MS, MAX_LABEL_SKEW_MS, StoredLabelSchema } from "../../schemas/feedback";
import type { LabelWrite } from "../../store/transactions/interface";
import { feedbackAccess, fromStore } from "./access";

const LabelResultSchema = z
  .union([
    z.object({ transaction_id: z.string(), status: z.enum(LABEL_OUTCOMES), label: StoredLabelSchema.openapi({ description: "The label that stands now" }) }),
    z.object({ transaction_id: z.string(), error: ProblemSchema }),
  ])
  .openapi("LabelResult");

export const feedbackRoute = createRoute({
  method: "post",
  path: "/v1/feedback",
  summary: "Report what a transaction turned out to be: fraud or legitimate",
  description:
    "One label or up to 1,000, each for one of your scored transactions (kept 180 days). Idempotent: the same label again is a `duplicate`. A transaction keeps one label: a later one replaces it only from a source of at least the same authority (chargeback > early_fraud_warning > refund_as_fraud > manual_review > customer_report) and, at equal authority, learnt later — otherwise it is `superseded` and the kept label is returned (docs/feedback.md). A transaction that is not yours, or not scored, is a per-item 404.",
  security: feedbackAccess.security,
  middleware: [...feedbackAccess.middleware, jsonBody(512 * 1024)] as const,
  request: { body: { content: { "application/json": { schema: FeedbackRequestSchema } }, required: true } },
  responses: {
    ...feedbackAccess.responses,
    200: { content: { "application/json": { schema: z.object({ results: z.array(LabelResultSchema) }).openapi("FeedbackResponse") } }, description: "Per label, in order: its outcome, or a problem" },
    400: problems("Invalid fields (e.g. a learnt_at in the future, a reason code on a source that has none)"),
    503: problems("The transaction store is not reachable"),
  },
});

export function registerFeedback(app: OpenAPIHono<AppEnv>) {
  app.openapi(feedbackRoute, async (c) => {
    const { labels } = c.req.valid("json");
    const now = Date.now();
    const late = labels.flatMap((l, i) => {
      const at = Date.parse(l.learnt_at);
      return at > now + MAX_LABEL_SKEW_MS || at < now - MAX_LABEL_AGE_MS ? [{ path: `labels[${i}].learnt_at`, code: "out_of_range", message: "must be within the last 2 years and not in the future" }] : [];
    });
    if (late.length > 0) throw new ApiError("validation_failed", undefined, late);
    const received = new Date(now).toISOString();
    const writes: LabelWrite[] = labels.map((l) => ({ ...l, received_at: received }));
    const { merchantId } = c.get("principal");
    const out = await fromStore(() => c.get("services").transactions.label(merchantId, writes));
    return c.json(
      {
        results: out.map((r, i) =>
          r.kind === "unknown"
            ? { transaction_id: labels[i]!.transaction_id, error: problem("not_found", "No scored transaction of yours has this id (records are kept 180 days)") }
            : { transaction_id: labels[i]!.transaction_id, status: r.kind, label: r.current },
        ),
      },
      200,
    );
  });
}
