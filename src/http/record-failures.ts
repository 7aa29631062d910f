import type { MiddlewareHandler } from "hono";
import { failureRecord, writeDecisions } from "../analytics/record";
import { edgeContext } from "./edge";
import type { AppEnv } from "./env";

/**
 * Records score requests that ended in a 5xx (model not loadable, unexpected errors) as `error` data points, so
 * the error rate is computed from the same dataset as the decision rates. 4xx are the caller's mistakes, not
 * ours, and are not counted. The merchant is the authenticated key's — never the body's, which could name
 * another merchant — and unknown when the request failed before authentication.
 */
export const recordFailures: MiddlewareHandler<AppEnv> = async (c, next) => {
  await next();
  if (c.res.status < 500 || !c.req.path.startsWith("/v1/score")) return;
  const merchant = c.get("principal")?.merchantId ?? "_unknown";
  const latency = performance.now() - c.get("startedAt");
  const written = writeDecisions(c.get("services").analytics, [failureRecord(merchant, latency, edgeContext(c.req.raw).colo)], []);
  try {
    c.executionCtx.waitUntil(written);
  } catch {
    // No execution context (a unit test's app.request): the write runs unattended.
  }
};
