import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../http/env";
import { keyAccess } from "../http/key-access";
import { problems } from "../http/problems";
import { CardFeatureSchema, ModelCardSchema } from "../model/card";
import { loadModel } from "../model/load";
import { merchantDefault } from "../model/routing";
import { readRouting } from "./admin/routing";

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
  .extend({
    routing: z
      .object({
        stamp: z.number().int().optional().openapi({ description: "The routing's stamp (absent when it could not be read: then this is the edge node's last known routing)" }),
        live: z.string(),
        challenger: z.object({ version: z.string(), share: z.number() }).nullable().openapi({ description: "Decides for `share` percent of your shoppers (a stable hash of customer id, else card)" }),
        shadows: z.array(z.string()).openapi({ description: "Score every transaction after the answer, never deciding" }),
        pinned: z.string().optional().openapi({ description: "The version all your traffic is pinned to, if any (it then decides instead of live and challenger)" }),
      })
      .openapi({ description: "Which versions serve your traffic (docs/models.md); the fields above describe the one deciding by default (pinned, else live)" }),
  })
  .openapi("ModelInfo");

const access = keyAccess({ keys: ["secret"], scope: "model:read" });

export const modelRoute = createRoute({
  method: "get",
  path: "/v1/model",
  summary: "The model deciding your scores, and the routing",
  description:
    "Id, version, input features in order, decision thresholds and evaluation metrics of the model deciding your scores by default (your pin, else the live model), and the routing: live, challenger and its share, shadows. Each score names the model that decided it.",
  security: access.security,
  middleware: access.middleware,
  responses: {
    ...access.responses,
    200: { content: { "application/json": { schema: ModelInfoSchema } }, description: "The model and the routing" },
    503: problems("The model could not be loaded"),
  },
});

export function registerModel(app: OpenAPIHono<AppEnv>) {
  app.openapi(modelRoute, async (c) => {
    const services = c.get("services");
    const merchant = c.get("principal").merchantId;
    // A fresh read (an operator may just have changed it); the edge node's own view if the store cannot answer.
    const state = services.routingStore.kind === "not_configured" ? undefined : await readRouting(services).catch(() => undefined);
    const routing = state?.routing ?? services.routing.current();
    const version = merchantDefault(routing, merchant);
    const pinned = Object.hasOwn(routing.pins, merchant) ? version : undefined;
    // The card of the version deciding for this merchant; while the registry cannot serve it, the bundled one's
    // (what its scores fall back to).
    await services.models.load(version).catch(() => undefined);
    const card = services.models.cardOf(version) ?? (await loadModel(() => services.models.fallback())).card;
    const { baselines: _histograms, file: _file, input: _input, output: _output, ...info } = card;
    return c.json(
      {
        ...info,
        features: card.features.map(({ entity: _e, ...f }) => f),
        routing: { ...(state && { stamp: state.stamp }), live: routing.live, challenger: routing.challenger, shadows: routing.shadows, ...(pinned !== undefined && { pinned }) },
      },
      200,
    );
  });
}
