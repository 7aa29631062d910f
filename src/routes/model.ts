import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../http/env";
import { keyAccess } from "../http/key-access";
import { problems } from "../http/problems";
import { CardFeatureSchema, ModelCardSchema } from "../model/card";
import { loadModel } from "../model/load";

/** The card as callers see it: everything but the training baselines and the runtime's tensor names. */
export const ModelInfoSchema = ModelCardSchema.omit({ baselines: true, file: true, input: true, output: true })
  .extend({
    features: z.array(
      CardFeatureSchema.omit({ entity: true }).extend({
        reason: CardFeatureSchema.shape.reason.openapi({
          description: "The reason code reported when the feature raises a score by being above or below its training reference, or by taking one of `values` (docs/reasons.md)",
        }),
      }),
    ),
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
    503: problems("The model could not be loaded"),
  },
});

export function registerModel(app: OpenAPIHono<AppEnv>) {
  app.openapi(modelRoute, async (c) => {
    const { card } = await loadModel(c.get("services").model);
    const { baselines: _histograms, file: _file, input: _input, output: _output, ...info } = card;
    return c.json({ ...info, features: card.features.map(({ entity: _e, ...f }) => f) }, 200);
  });
}
