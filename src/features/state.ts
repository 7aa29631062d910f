/**
 * Behavioural state of one entity (a card, device, IP or customer): when it was first and last seen, and its
 * recent events. The state is plain data and `applyEvent` is pure, so training builds features by replaying the
 * stream through this function in time order, and serving keeps the same structure in Redis (see
 * docs/feature-store.md): the Redis update is the same three steps — append, drop events older than the
 * retention, keep the newest MAX_EVENTS.
 */
export const ENTITY_KINDS = ["card", "device", "ip", "customer"] as const;
export type EntityKind = (typeof ENTITY_KINDS)[number];

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
/** The longest window any feature looks at. */
export const RETENTION_MS = 7 * DAY_MS;
/** Bounds state size (and the Redis reply) for hot entities; counts saturate here, which the model learns. */
export const MAX_EVENTS = 100;

/** What one transaction leaves in the state of each of its entities. Amounts are normalised to US cents. */
export interface BehaviourEvent {
  t: number;
  id: string;
  amount: number;
  merchant: string;
  /** Country of the shopper's network (IP country), "" when unknown. */
  country: string;
  card: string;
  /** "" when the transaction had no device. */
  device: string;
}

export interface EntityState {
  firstSeen: number | null;
  lastSeen: number | null;
  /** Ordered by time, oldest first; only events newer than RETENTION_MS before the latest update. */
  events: BehaviourEvent[];
}

export const emptyState = (): EntityState => ({ firstSeen: null, lastSeen: null, events: [] });

export function applyEvent(state: EntityState, event: BehaviourEvent): EntityState {
  const cutoff = event.t - RETENTION_MS;
  const kept = state.events.filter((e) => e.t > cutoff);
  let at = kept.length;
  while (at > 0 && compareEvents(kept[at - 1]!, event) > 0) at--;
  kept.splice(at, 0, event);
  return {
    firstSeen: state.firstSeen === null ? event.t : Math.min(state.firstSeen, event.t),
    lastSeen: state.lastSeen === null ? event.t : Math.max(state.lastSeen, event.t),
    events: kept.length > MAX_EVENTS ? kept.slice(kept.length - MAX_EVENTS) : kept,
  };
}

/** Time, then the encoded member — the order a Redis sorted set keeps (score, then member bytes). */
function compareEvents(a: BehaviourEvent, b: BehaviourEvent): number {
  if (a.t !== b.t) return a.t - b.t;
  const ea = encodeEvent(a);
  const eb = encodeEvent(b);
  return ea < eb ? -1 : ea > eb ? 1 : 0;
}

/** The event as stored in Redis (a sorted-set member). */
export function encodeEvent(e: BehaviourEvent): string {
  return JSON.stringify([e.t, e.id, e.amount, e.merchant, e.country, e.card, e.device]);
}

export function decodeEvent(member: string): BehaviourEvent {
  const [t, id, amount, merchant, country, card, device] = JSON.parse(member) as [
    number, string, number, string, string, string, string,
  ];
  return { t, id, amount, merchant, country, card, device };
}
