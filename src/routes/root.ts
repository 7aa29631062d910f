import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../http/env";
import { SERVICE } from "../version";

export const rootRoute = createRoute({
  method: "get",
  path: "/",
  summary: "Service name, version and links",
  responses: {
    200: {
      content: {
        "application/json": {
          schema: z
            .object({
              service: z.string(),
              version: z.string(),
              environment: z.string(),
              description: z.string(),
              links: z.record(z.string(), z.string()),
            })
            .openapi("ServiceInfo"),
        },
      },
      description: "About this service",
    },
  },
});

export function registerRoot(app: OpenAPIHono<AppEnv>) {
  app.openapi(rootRoute, (c) =>
    c.json(
      {
        service: SERVICE.name,
        version: SERVICE.version,
        environment: c.get("services").config.ENVIRONMENT,
        description: SERVICE.description,
        links: { dashboard: "/dashboard", review: "/review", score: "/v1/score", batch: "/v1/score/batch", model: "/v1/model", health: "/health", openapi: "/openapi.json", docs: "/docs" },
      },
      200,
    ),
  );
}
