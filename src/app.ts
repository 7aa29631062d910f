import { OpenAPIHono } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import { methodNotAllowed } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import { alertRuntimeFrom } from "./alerts/runtime";
import { snapshotStoreFrom } from "./analytics/snapshots/from-config";
import { analyticsWriterFrom } from "./analytics/writer/from-config";
import { keyAuthFrom } from "./auth/keys/from-config";
import { rateLimiterFrom } from "./auth/rate-limit/from-config";
import { configFrom, type Bindings } from "./config";
import { problem, problemResponse } from "./errors/problem";
import { browserCors } from "./http/cors";
import type { AppEnv, Services } from "./http/env";
import { registerSecuritySchemes } from "./http/key-access";
import { onError, validationHook } from "./http/on-error";
import { recordFailures } from "./http/record-failures";
import { ObservationLog } from "./analytics/observations";
import { BUNDLED_VERSION, defaultModel } from "./model/default-model";
import { ModelPool } from "./model/pool";
import { openPublished } from "./model/registry/open";
import { RoutingView } from "./model/routing-view";
import { modelArtifactsFrom } from "./model/registry/from-config";
import { registerEntity } from "./routes/entity";
import { registerFeedbackRoutes } from "./routes/feedback";
import { registerHealth } from "./routes/health";
import { registerMetrics } from "./routes/metrics";
import { registerModel } from "./routes/model";
import { registerPolicy } from "./routes/policy";
import { registerAdminModels } from "./routes/admin/models";
import { registerAdminRouting } from "./routes/admin/routing";
import { registerAdminStream } from "./routes/admin/stream";
import { registerRoot } from "./routes/root";
import { registerScore, scoreRoute } from "./routes/score";
import { registerScoreBatch } from "./routes/score-batch";
import { registerStats } from "./routes/stats";
import { registerPages } from "./routes/pages";
import { PolicyViews } from "./policy";
import { storesFrom } from "./store/from-config";
import { SERVICE } from "./version";

/**
 * The one place the scoring Worker's backends are chosen (from its bindings: config.ts) and built — once per
 * isolate, so what they keep (caches, counters, memory backends) lives as long as the isolate.
 */
const cache = new WeakMap<object, Services>();

export function servicesFor(env: Bindings): Services {
  let s = cache.get(env);
  if (!s) {
    const config = configFrom(env);
    const limiter = rateLimiterFrom(config);
    const { store, policy, routing: routingStore, transactions } = storesFrom(config);
    const modelArtifacts = modelArtifactsFrom(config, env.MODELS);
    const models = new ModelPool(defaultModel, BUNDLED_VERSION, openPublished(modelArtifacts));
    const routing = new RoutingView(BUNDLED_VERSION);
    s = {
      config,
      // The live model as this isolate holds it; until then (or without a registry) the bundled one. Its callers
      // read its card (analytics' score bins, /health, a publish's comparison); scoring leases its models.
      model: async () => models.peek(routing.current().live) ?? models.fallback(),
      models,
      routing,
      routingStore,
      transactions,
      observations: new ObservationLog(),
      store,
      policy,
      policyViews: new PolicyViews(),
      modelArtifacts,
      auth: keyAuthFrom(config),
      limiter,
      counters: { storeErrors: 0, ruleErrors: 0 },
      alerts: alertRuntimeFrom(config, limiter),
      analytics: analyticsWriterFrom(config, env.DECISIONS),
      metrics: snapshotStoreFrom(config),
    };
    cache.set(env, s);
  }
  return s;
}

export function createApp(): OpenAPIHono<AppEnv> {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use(async (c, next) => {
    c.set("startedAt", performance.now());
    c.set("services", servicesFor(c.env ?? {}));
    await next();
  });
  app.use(secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
  app.use(recordFailures);
  // Before methodNotAllowed, which would refuse a preflight's OPTIONS. Keys are checked per route (http/key-access.ts).
  app.use(browserCors([{ path: scoreRoute.path, methods: ["POST"] }]));
  app.use(
    methodNotAllowed({
      app,
      onMethodNotAllowed: (c, methods) =>
        problemResponse(problem("method_not_allowed", `Allowed: ${methods.join(", ")}`, undefined, c.req.path), { Allow: methods.join(", ") }),
    }),
  );

  registerRoot(app);
  registerHealth(app);
  registerModel(app);
  registerScore(app);
  registerScoreBatch(app);
  registerPolicy(app);
  registerFeedbackRoutes(app);
  registerAdminRouting(app);
  registerAdminStream(app);
  registerAdminModels(app);
  registerEntity(app);
  registerMetrics(app);
  registerStats(app);
  registerPages(app);
  registerSecuritySchemes(app);

  // Generated once per app, not per request: building the document from the zod schemas takes ~3.5 ms of CPU.
  let document: ReturnType<typeof app.getOpenAPI31Document> | undefined;
  app.get("/openapi.json", (c) =>
    c.json((document ??= app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Edge fraud scorer", version: SERVICE.version, description: SERVICE.description } }))),
  );
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));

  app.notFound((c) => problemResponse(problem("not_found", `No route for ${c.req.method} ${c.req.path}`, undefined, c.req.path)));
  app.onError(onError);
  return app;
}
