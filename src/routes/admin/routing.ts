import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { OBSERVATIONS_KEPT } from "../../analytics/observations";
import { ApiError } from "../../errors/problem";
import { ADMIN_SCHEME, requireAdminToken } from "../../http/admin-token";
import { backendCall } from "../../http/backend-call";
import type { AppEnv, Services } from "../../http/env";
import { jsonBody } from "../../http/json-body";
import { problems } from "../../http/problems";
import { applyChange, initialRouting, versionOf } from "../../model/routing";
import { RoutingChangeSchema, RoutingSchema, RoutingStateSchema, type RoutingState } from "../../schemas/routing";

const security = [{ [ADMIN_SCHEME]: [] }];
const unauthorized = { 401: problems("No ADMIN_TOKEN, or the wrong one") };
const unavailable = { 503: problems("No store for the routing (Redis), or it is not reachable") };
/** Concurrent changes retry the compare-and-set this many times before giving up with a 409. */
const CAS_ATTEMPTS = 3;

const PoolSchema = z
  .array(z.object({
      version: z.string(),
      state: z.enum(["loading", "ready", "failed", "bundled", "releasing"]),
      loaded_at: z.string().optional(),
      error: z.string().optional(),
      thresholds: z.object({ review: z.number(), decline: z.number() }).optional(),
    }))
  .openapi({ description: "The models the edge node that answered holds (each edge node loads the routed versions on its next score)" });

const AdminRoutingSchema = RoutingStateSchema.extend({ bundled: z.string().openapi({ description: "The bundled model's version" }), this_node: PoolSchema }).openapi("AdminRouting");

export const getRoutingRoute = createRoute({
  method: "get",
  path: "/v1/admin/models/routing",
  summary: "The model routing (operator)",
  description: "Live, challenger and its share, shadows, per-merchant pins, earlier live versions (what `rollback` returns to) and the last changes.",
  security,
  middleware: [requireAdminToken] as const,
  responses: {
    200: { content: { "application/json": { schema: AdminRoutingSchema } }, description: "The routing" },
    ...unauthorized,
    ...unavailable,
  },
});

export const changeRoutingRoute = createRoute({
  method: "post",
  path: "/v1/admin/models/routing",
  summary: "Change the model routing (operator)",
  description:
    "`promote` a version to live, `rollback` to the previous live, set a `challenger` deciding for a share of shoppers (by a hash of customer id, else card), add or remove a `shadow` (scores every transaction after the answer, never decides), `pin` a merchant to a version. Every edge node follows on its next score: the stamp comes back with the score's feature-store round trip (docs/models.md).",
  security,
  middleware: [requireAdminToken, jsonBody(4 * 1024)] as const,
  request: { body: { content: { "application/json": { schema: RoutingChangeSchema } }, required: true } },
  responses: {
    200: { content: { "application/json": { schema: RoutingStateSchema } }, description: "The routing after the change" },
    400: problems("Malformed body"),
    ...unauthorized,
    409: problems("The change cannot be made (`routing_refused`), or others kept changing the routing meanwhile (`conflict`)"),
    422: problems("The version is neither published nor the bundled one, or cannot be opened (`errors[0].code` `cannot_load`)"),
    ...unavailable,
  },
});

export const observationsRoute = createRoute({
  method: "get",
  path: "/v1/admin/models/observations",
  summary: "Recent decisions with every model's score, from the edge node that answers (operator)",
  description: `What the A/B report reads locally (\`npm run ab-report\`): this edge node's last ${OBSERVATIONS_KEPT} decisions, each with the deciding model's version, role and score and its shadows' scores. A deployment's full record is in Analytics Engine (docs/models.md).`,
  security,
  middleware: [requireAdminToken] as const,
  request: {
    query: z.object({
      after: z.coerce.number().int().min(-1).default(-1).openapi({ description: "The last `seq` already read" }),
      limit: z.coerce.number().int().min(1).max(5_000).default(1_000),
    }),
  },
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z
            .object({
              last: z.number().int(),
              observations: z.array(
                z.object({
                  seq: z.number().int(),
                  at: z.number(),
                  merchant: z.string(),
                  transaction_id: z.string(),
                  decision: z.string(),
                  model: z.object({ version: z.string(), role: z.string(), score: z.number() }),
                  shadows: z.array(z.object({ version: z.string(), score: z.number(), decision: z.string() })),
                }),
              ),
            })
            .openapi("Observations"),
        },
      },
      description: "Oldest first",
    },
    ...unauthorized,
  },
});

const fromStore = <T>(call: () => Promise<T>) => backendCall("model routing (Redis)", call);

/** The stored routing, or the initial one (the bundled model live) before the first change. */
export async function readRouting(services: Services): Promise<RoutingState> {
  const stored = await fromStore(() => services.routingStore.read());
  if (stored.doc === undefined) return { stamp: stored.stamp, routing: initialRouting(services.models.bundledVersion) };
  const parsed = RoutingSchema.safeParse(JSON.parse(stored.doc));
  if (!parsed.success) throw new Error(`model routing: the stored document (stamp ${stored.stamp}) does not parse`);
  return { stamp: stored.stamp, routing: parsed.data };
}

export function registerAdminRouting(app: OpenAPIHono<AppEnv>) {
  app.openapi(getRoutingRoute, async (c) => {
    const services = c.get("services");
    const state = await readRouting(services);
    return c.json({ ...state, bundled: services.models.bundledVersion, this_node: services.models.status() }, 200);
  });

  app.openapi(changeRoutingRoute, async (c) => {
    const change = c.req.valid("json");
    const services = c.get("services");
    const version = versionOf(change);
    if (version !== undefined && version !== services.models.bundledVersion) {
      const published = services.modelArtifacts.kind !== "not_configured" && (await backendCall("model registry (R2)", () => services.modelArtifacts.has(version)));
      if (!published) {
        throw new ApiError("unknown_model_version", `${version} is neither published (npm run models -- list) nor the bundled model (${services.models.bundledVersion})`, [
          { path: "version", code: "unknown_version", message: "not published" },
        ]);
      }
      // Served here first: a version this build cannot open (its files gone, a card of another feature list) is
      // refused now, not discovered by every edge node falling back. It also warms this edge node.
      const opened = await services.models.load(version).then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      if (opened !== undefined) {
        throw new ApiError("unknown_model_version", `${version} is published but cannot be served here: ${opened}`, [{ path: "version", code: "cannot_load", message: opened }]);
      }
    }
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const { stamp, routing } = await readRouting(services);
      const next = applyChange(routing, change, new Date());
      if ("code" in next) throw new ApiError("routing_refused", next.message, [{ path: "action", code: next.code, message: next.message }]);
      const stored = await fromStore(() => services.routingStore.replace(stamp, JSON.stringify(next)));
      if (stored !== false) return c.json({ stamp: stored, routing: next }, 200);
    }
    throw new ApiError("conflict", "The routing kept changing under this request; read it again and retry", undefined, { "Retry-After": "1" });
  });

  app.openapi(observationsRoute, async (c) => {
    const { after, limit } = c.req.valid("query");
    const log = c.get("services").observations;
    return c.json({ last: log.last, observations: log.since(after, limit) }, 200);
  });
}
