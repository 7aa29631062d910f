import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { keyAccess } from "../auth/access";
import { ProblemSchema } from "../errors/problem";
import { loadModel } from "../scoring/load-model";
import type { AppEnv } from "../services";

export const ModelInfoSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    created: z.string(),
    description: z.string(),
    algorithm: z.string(),
    sha256: z.string(),
    features: z.array(
      z.object({
        name: z.string(),
        group: z.string(),
        description: z.string(),
        reason: z
          .object({ above: z.string(), below: z.string(), values: z.record(z.string(), z.string()).optional(), pivot: z.number().optional(), fixed: z.object({ low: z.number(), high: z.number(), between: z.string().optional() }).optional() })
          .openapi({ description: "The reason code reported when the feature raises a score by being above or below its training reference, or by taking one of `values` (docs/reasons.md)" }),
      }),
    ),
    thresholds: z.object({ review: z.number(), decline: z.number(), rationale: z.string() }),
    metrics: z.record(z.string(), z.number()),
    training_data: z.record(z.string(), z.union([z.string(), z.number()])),
  })
  .openapi("ModelInfo");

const access = keyAccess({ keys: ["secret"], scope: "model:read" });

export const modelRoute = createRoute({
  method: "get",
  path: "/v1/model",
  summary: "The live model",
  description: "Id, version, input features in order, decision thresholds and evaluation metrics of the model answering scores.",
  security: access.security,
  middleware: access.middleware,
  responses: {
    ...access.responses,
    200: { content: { "application/json": { schema: ModelInfoSchema } }, description: "The live model" },
    503: { content: { "application/problem+json": { schema: ProblemSchema } }, description: "The model could not be loaded" },
  },
});

export function registerModel(app: OpenAPIHono<AppEnv>) {
  app.openapi(modelRoute, async (c) => {
    const { card } = await loadModel(c.get("services"));
    const { baselines: _histograms, file: _file, input: _input, output: _output, ...info } = card;
    return c.json({ ...info, features: card.features.map(({ entity: _e, ...f }) => f) }, 200);
  });
}
