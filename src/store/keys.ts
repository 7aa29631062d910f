import type { EntityKind } from "../features";

/**
 * Redis key layout (docs/feature-store.md). The version segment lets a state layout live beside an earlier one
 * during a migration instead of misreading it: v2 added the per-merchant indexes and fingerprinted answers.
 */
export const KEY_VERSION = "v2";
export const eventsKey = (kind: EntityKind, id: string) => `fs:${KEY_VERSION}:${kind}:${id}:events`;
export const metaKey = (kind: EntityKind, id: string) => `fs:${KEY_VERSION}:${kind}:${id}:meta`;
/** One merchant's events on one entity (an index of the entity's events; record-script.ts). Length-prefixed: ids are
 * the callers' strings, and no merchant and id may spell another pair's key. */
export const merchantEventsKey = (kind: EntityKind, id: string, merchant: string) => `fsm:${KEY_VERSION}:${kind}:${merchant.length}:${merchant}:${id}`;
export const idempotencyKey = (scoped: string) => `idem:${KEY_VERSION}:${scoped}`;

/** How long an entity's first-seen time is remembered after its last transaction. */
export const META_TTL_S = 180 * 24 * 60 * 60;
