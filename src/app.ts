import { OpenAPIHono, type Hook } from "@hono/zod-openapi";
import { swaggerUI } from "@hono/swagger-ui";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { methodNotAllowed } from "hono/method-not-allowed";
import { secureHeaders } from "hono/secure-headers";
import { registerSecuritySchemes } from "./auth/access";
import { fieldErrors } from "./errors/field-errors";
import { ApiError, problem, problemResponse } from "./errors/problem";
import { registerEntity } from "./routes/entity";
import { recordFailures } from "./analytics/failures";
import { registerHealth } from "./routes/health";
import { registerMetrics } from "./routes/metrics";
import { registerModel } from "./routes/model";
import { registerRoot } from "./routes/root";
import { browserCors } from "./middleware/cors";
import { registerScore, scoreRoute } from "./routes/score";
import { registerScoreBatch } from "./routes/score-batch";
import { registerStats } from "./routes/stats";
import { servicesFor, type AppEnv } from "./services";
import { SERVICE } from "./version";

/** Zod rejections from any route become one 400 problem listing every offending field. */
const validationHook: Hook<unknown, AppEnv, string, unknown> = (result) => {
  if (!result.success) {
    const prefix = result.target === "json" ? [] : [result.target];
    throw new ApiError("validation_failed", undefined, fieldErrors(result.error, prefix));
  }
};

function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return problemResponse(err.toProblem(c.req.path), err.headers);
  if (err instanceof HTTPException && err.status < 500) {
    const code = err.status === 413 ? "payload_too_large" : err.status === 415 ? "unsupported_media_type" : "malformed_json";
    return problemResponse(problem(code, err.message, undefined, c.req.path));
  }
  console.error("unhandled error", c.req.method, c.req.path, err);
  return problemResponse(problem("internal_error", "An unexpected error occurred; it has been logged", undefined, c.req.path));
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
  // Before methodNotAllowed, which would refuse a preflight's OPTIONS. Keys are checked per route (src/auth/access.ts).
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
  registerEntity(app);
  registerMetrics(app);
  registerStats(app);
  registerSecuritySchemes(app);

  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: { title: "Edge fraud scorer", version: SERVICE.version, description: SERVICE.description },
  });
  app.get("/docs", swaggerUI({ url: "/openapi.json" }));

  app.notFound((c) => problemResponse(problem("not_found", `No route for ${c.req.method} ${c.req.path}`, undefined, c.req.path)));
  app.onError(onError);
  return app;
}
