import type { EntityKind } from "../features";

/**
 * Redis key layout (docs/feature-store.md). The version segment lets a future state layout live beside this one
 * during a migration instead of misreading it.
 */
export const KEY_VERSION = "v1";
export const eventsKey = (kind: EntityKind, id: string) => `fs:${KEY_VERSION}:${kind}:${id}:events`;
export const metaKey = (kind: EntityKind, id: string) => `fs:${KEY_VERSION}:${kind}:${id}:meta`;
export const idempotencyKey = (scoped: string) => `idem:${KEY_VERSION}:${scoped}`;

/** How long an entity's first-seen time is remembered after its last transaction. */
export const META_TTL_S = 180 * 24 * 60 * 60;
