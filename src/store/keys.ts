import type { EntityKind } from "../features";

/**
 * Redis key layout (docs/feature-store.md). The version segment lets a state layout live beside an earlier one
 * during a migration instead of misreading it: v2 members start with their merchant, and answers carry the request's
 * fingerprint.
 */
export const KEY_VERSION = "v2";
export const eventsKey = (kind: EntityKind, id: string) => `fs:${KEY_VERSION}:${kind}:${id}:events`;
export const metaKey = (kind: EntityKind, id: string) => `fs:${KEY_VERSION}:${kind}:${id}:meta`;
/** Confirmed-fraud marks (src/features/fraud-marks.ts): a zset of `[merchant, transaction id]` scored by its time. */
export const fraudKey = (kind: EntityKind, id: string) => `fs:${KEY_VERSION}:${kind}:${id}:fraud`;
export const idempotencyKey = (scoped: string) => `idem:${KEY_VERSION}:${scoped}`;

/** How long an entity's first-seen time is remembered after its last transaction. */
export const META_TTL_S = 180 * 24 * 60 * 60;
