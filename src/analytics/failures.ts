import type { MiddlewareHandler } from "hono";
import { edgeContext } from "../scoring/edge";
import type { AppEnv } from "../services";
import { failureRecord, writeDecisions } from "./record";

/**
 * Records score requests that ended in a 5xx (model not loadable, unexpected errors) as `error` data points, so
 * the error rate is computed from the same dataset as the decision rates. 4xx are the caller's mistakes, not
 * ours, and are not counted. The merchant is known when the body got as far as being parsed.
 */
export const recordFailures: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status < 500 || !c.req.path.startsWith("/v1/score")) return;
  const body = c.get("body") as { merchant?: { id?: unknown } } | undefined;
  const merchant = typeof body?.merchant?.id === "string" ? body.merchant.id : "_unknown";
  const latency = performance.now() - c.get("startedAt");
  writeDecisions(c.env?.DECISIONS, [failureRecord(merchant, latency, edgeContext(c.req.raw).colo)], []);
};
