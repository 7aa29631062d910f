import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ENTITY_KINDS, type EntityState } from "../features";
import { windows } from "../features/behaviour";
import { ApiError } from "../errors/problem";
import type { AppEnv } from "../http/env";
import { keyAccess } from "../http/key-access";
import { panError } from "../http/pan-guard";
import { looksLikePan } from "../utils/pan";
import { canonicalIp } from "../schemas/ip";
import { problems } from "../http/problems";

const WindowSchema = z.object({
  count: z.number().int(),
  amount_usd_cents: z.number().int(),
  merchants: z.number().int(),
  countries: z.number().int(),
  cards: z.number().int(),
  devices: z.number().int(),
});

export const EntitySchema = z
  .object({
    type: z.enum(ENTITY_KINDS),
    id: z.string(),
    first_seen: z.string().nullable().openapi({ description: "Your earliest transaction with this entity that the scorer holds (7 days at most)" }),
    last_seen: z.string().nullable().openapi({ description: "Your latest transaction with this entity" }),
    windows: z.object({ "1h": WindowSchema, "24h": WindowSchema, "7d": WindowSchema }).openapi({ description: "Your own transactions with this entity, as of now" }),
    events: z.array(
      z.object({
        at: z.string(),
        transaction_id: z.string(),
        amount_usd_cents: z.number().int(),
        merchant_id: z.string(),
        network_country: z.string(),
        card_fingerprint: z.string(),
        device_id: z.string(),
      }),
    ),
  })
  .openapi("Entity");

const access = keyAccess({ keys: ["secret"], scope: "entities:read" });

export const entityRoute = createRoute({
  method: "get",
  path: "/v1/entities/{type}/{id}",
  summary: "An entity's behavioural state",
  description:
    "The recent history the scorer holds for a card, device, IP or customer, as far as it is the key merchant's own — for investigating a decision. Every figure (first and last seen, windows, events) comes from the merchant's own transactions only: the network's history is the model's input, never shown, so a merchant cannot read another's activity. An entity the merchant has not transacted with in 7 days is a 404.",
  security: access.security,
  middleware: access.middleware,
  request: {
    params: z.object({
      type: z.enum(ENTITY_KINDS).openapi({ param: { name: "type", in: "path" }, example: "card" }),
      id: z.string().min(1).max(128).openapi({ param: { name: "id", in: "path" }, example: "card_fp_8f14e45f" }),
    }),
  },
  responses: {
    ...access.responses,
    200: { content: { "application/json": { schema: EntitySchema } }, description: "The entity's state" },
    400: problems("The id looks like a card number (`pan_detected`): entities are keyed by fingerprints, never PANs"),
    404: problems("Nothing is known about this entity"),
    503: problems("The feature store is not reachable"),
  },
});

const iso = (t: number) => new Date(t).toISOString();

function summary(state: EntityState, now: number) {
  const w = windows({ state, event: { t: now, id: "", amount: 0, merchant: "", country: "", card: "", device: "" } });
  const of = (s: (typeof w)["h1"]) => ({
    count: s.count,
    amount_usd_cents: s.amount,
    merchants: s.merchants.size,
    countries: s.countries.size,
    cards: s.cards.size,
    devices: s.devices.size,
  });
  return { "1h": of(w.h1), "24h": of(w.h24), "7d": of(w.d7) };
}

export function registerEntity(app: OpenAPIHono<AppEnv>) {
  app.openapi(entityRoute, async (c) => {
    const { type, id: given } = c.req.valid("param");
    // A card number as the id is refused before it becomes part of a Redis key (and goes over the wire).
    if (looksLikePan(given)) throw panError([["id"]], ["path"]);
    // The id the scorer keys the entity by (an IP in its one spelling).
    const id = type === "ip" ? canonicalIp(given) : given;
    const { store } = c.get("services");
    let state: EntityState | null;
    try {
      state = await store.entity(type, id);
    } catch (e) {
      throw new ApiError("store_unavailable", e instanceof Error ? e.message : undefined);
    }
    // Other merchants' transactions stay theirs: every figure is computed from this merchant's events alone, and an
    // entity it never saw is reported as unknown rather than confirming that someone else did.
    const { merchantId } = c.get("principal");
    const own = state?.events.filter((e) => e.merchant === merchantId) ?? [];
    if (own.length === 0) throw new ApiError("not_found", `No ${type} ${id} in your transactions of the last 7 days`);
    return c.json(
      {
        type,
        id,
        first_seen: iso(own[0]!.t),
        last_seen: iso(own[own.length - 1]!.t),
        windows: summary({ firstSeen: own[0]!.t, lastSeen: own[own.length - 1]!.t, events: own }, Date.now()),
        events: own.map((e) => ({
          at: new Date(e.t).toISOString(),
          transaction_id: e.id,
          amount_usd_cents: e.amount,
          merchant_id: e.merchant,
          network_country: e.country,
          card_fingerprint: e.card,
          device_id: e.device,
        })),
      },
      200,
    );
  });
}
