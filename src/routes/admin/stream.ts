import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ApiError } from "../../errors/problem";
import { ADMIN_SCHEME, requireAdminToken } from "../../http/admin-token";
import { backendCall } from "../../http/backend-call";
import type { AppEnv, Services } from "../../http/env";
import { problems } from "../../http/problems";
import { PassReportSchema, StreamStatusSchema } from "../../schemas/stream";
import { streamFor, streamPass, streamStatus } from "../../stream/consumer";
import type { StreamDeps } from "../../stream/pass";

const security = [{ [ADMIN_SCHEME]: [] }];
const common = {
  401: problems("No ADMIN_TOKEN, or the wrong one"),
  404: problems("Stream scoring is off (STREAM_TOPIC unset)"),
  503: problems("The stream is misconfigured, or its Kafka REST endpoint is not reachable"),
};

/** The configured stream, or the problem a route answers without one. */
function ready(services: Services): StreamDeps {
  const stream = streamFor(services);
  if (stream.kind === "off") throw new ApiError("not_found", stream.detail);
  if (stream.kind === "misconfigured") throw new ApiError("store_unavailable", stream.detail);
  return stream.deps;
}

export const streamStatusRoute = createRoute({
  method: "get",
  path: "/v1/admin/stream",
  summary: "Where the stream consumer stands (operator)",
  description: "Per partition of STREAM_TOPIC: the group's committed position, the end of the log and the lag between (docs/streams.md).",
  security,
  middleware: [requireAdminToken] as const,
  responses: { 200: { content: { "application/json": { schema: StreamStatusSchema } }, description: "The group's position" }, ...common },
});

export const streamPassRoute = createRoute({
  method: "post",
  path: "/v1/admin/stream/pass",
  summary: "Run one pass of the stream consumer now (operator)",
  description:
    "What the cron does every minute: from the committed offsets, fetch, score, produce the answers and dead letters, commit — until the topic is drained or the budget spent. `budget_ms` shortens the pass (default STREAM_PASS_MS).",
  security,
  middleware: [requireAdminToken] as const,
  request: { query: z.object({ budget_ms: z.coerce.number().int().min(1).max(300_000).optional() }) },
  responses: { 200: { content: { "application/json": { schema: PassReportSchema } }, description: "What the pass did" }, 400: problems("Bad `budget_ms`"), ...common },
});

export function registerAdminStream(app: OpenAPIHono<AppEnv>) {
  app.openapi(streamStatusRoute, async (c) => {
    const services = c.get("services");
    const deps = ready(services);
    return c.json(await backendCall("stream's Kafka REST endpoint", () => streamStatus(services, deps)), 200);
  });

  app.openapi(streamPassRoute, async (c) => {
    const services = c.get("services");
    const deps = ready(services);
    const { budget_ms } = c.req.valid("query");
    return c.json(await streamPass(services, deps, budget_ms), 200);
  });
}
