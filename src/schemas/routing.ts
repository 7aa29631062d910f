import { z } from "@hono/zod-openapi";

/**
 * Which model versions serve traffic, and how (docs/models.md): the live model decides; a challenger decides for
 * a share of shoppers (a deterministic split); shadows score the same rows after the answer, never deciding; a
 * merchant's pin overrides the split for its traffic. Stored as one document beside a stamp every change bumps
 * (src/store/routing), read back by each score's feature-store round trip.
 */

/** Distinct versions routing may name at once: each is an ONNX session an isolate must hold (MAX_SESSIONS). */
export const MAX_ROUTED_VERSIONS = 4;
export const MAX_SHADOWS = 2;
export const MAX_PINS = 1_000;
/** Earlier live versions kept for `rollback`, newest last. */
export const MAX_PREVIOUS = 20;
export const MAX_HISTORY = 50;
/** A challenger's share of traffic, in percent: up to half (past that it is the live model). */
export const MAX_CHALLENGER_SHARE = 50;

const version = z.string().min(1).max(64);
/** A merchant id as pins key it: never one of an object's special keys. */
const merchant = z
  .string()
  .min(1)
  .max(128)
  .refine((m) => m !== "__proto__" && m !== "constructor" && m !== "prototype", "is not a merchant id");

export const MODEL_ROLES = ["live", "challenger", "pinned"] as const;
export type ModelRole = (typeof MODEL_ROLES)[number];

export const RoutingChangeSchema = z
  .discriminatedUnion("action", [
    z.object({ action: z.literal("promote"), version }).strict(),
    z.object({ action: z.literal("rollback") }).strict(),
    z
      .object({
        action: z.literal("challenger"),
        version,
        share: z.number().gt(0).max(MAX_CHALLENGER_SHARE).openapi({ description: "Percent of shoppers (by a hash of customer id, else card) the challenger decides for", example: 10 }),
      })
      .strict(),
    z.object({ action: z.literal("clear_challenger") }).strict(),
    z.object({ action: z.literal("shadow"), version }).strict(),
    z.object({ action: z.literal("unshadow"), version }).strict(),
    z.object({ action: z.literal("pin"), merchant, version }).strict(),
    z.object({ action: z.literal("unpin"), merchant }).strict(),
  ])
  .openapi("RoutingChange");
export type RoutingChange = z.infer<typeof RoutingChangeSchema>;

export const RoutingSchema = z
  .object({
    live: version.openapi({ description: "The version deciding by default (the bundled model's, until one is promoted)" }),
    challenger: z.object({ version, share: z.number() }).nullable(),
    shadows: z.array(version).max(MAX_SHADOWS),
    pins: z.record(z.string(), version).openapi({ description: "merchant id → the version that decides all its traffic" }),
    previous: z.array(version).max(MAX_PREVIOUS).openapi({ description: "Earlier live versions, newest last: what `rollback` returns to" }),
    history: z
      .array(z.object({ at: z.string(), change: z.string(), live: version }))
      .max(MAX_HISTORY)
      .openapi({ description: "The last changes, newest first" }),
  })
  .openapi("Routing");
export type Routing = z.infer<typeof RoutingSchema>;

export const RoutingStateSchema = z
  .object({
    stamp: z.number().int().openapi({ description: "Changed by every change (never repeating: at least the change's time in ms); 0 before the first" }),
    routing: RoutingSchema,
  })
  .openapi("RoutingState");
export type RoutingState = z.infer<typeof RoutingStateSchema>;
