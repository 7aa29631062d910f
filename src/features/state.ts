/**
 * Behavioural state of one entity (a card, device, IP or customer): when it was first and last seen, and its
 * recent events. The state is plain data and `applyEvent` is pure, so training builds features by replaying the
 * stream through this function in time order, and serving keeps the same structure in Redis (see
 * docs/feature-store.md): the Redis update (src/store/record-script.ts) is the same steps — drop events older than
 * the retention, add the event once, keep each merchant's newest MAX_EVENTS_PER_MERCHANT, keep the newest
 * MAX_EVENTS.
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
/**
 * The most one merchant's transactions can make of an entity's shared history: the network is every merchant's
 * signal, so none may fill it, evict the others' events or outweigh them (docs/feature-store.md, threat model).
 * Counts from a single merchant saturate here, which the model learns.
 */
export const MAX_EVENTS_PER_MERCHANT = 20;

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
  /** Confirmed fraud on this entity (fraud-marks.ts): absent when none is known. */
  confirmed?: readonly FraudMark[];
}

/**
 * A merchant's confirmed fraud on one of its transactions, as it marks the transaction's card, device and customer
 * in the shared state (src/features/fraud-marks.ts). `t` is the fraudulent transaction's time, as the scorer
 * recorded it — never the merchant's word.
 */
export interface FraudMark {
  t: number;
  merchant: string;
  id: string;
}

export const emptyState = (): EntityState => ({ firstSeen: null, lastSeen: null, events: [] });

export function applyEvent(state: EntityState, event: BehaviourEvent): EntityState {
  const cutoff = event.t - RETENTION_MS;
  // One copy of an event, as a sorted set holds a member once: the same event recorded again changes nothing.
  const kept = state.events.filter((e) => e.t > cutoff && !(e.t === event.t && encodeEvent(e) === encodeEvent(event)));
  let at = kept.length;
  while (at > 0 && compareEvents(kept[at - 1]!, event) > 0) at--;
  kept.splice(at, 0, event);
  let own = 0;
  for (const e of kept) if (e.merchant === event.merchant) own++;
  if (own > MAX_EVENTS_PER_MERCHANT) kept.splice(kept.findIndex((e) => e.merchant === event.merchant), 1);
  if (kept.length > MAX_EVENTS) kept.shift();
  return {
    firstSeen: state.firstSeen === null ? event.t : Math.min(state.firstSeen, event.t),
    lastSeen: state.lastSeen === null ? event.t : Math.max(state.lastSeen, event.t),
    events: kept,
    ...(state.confirmed && { confirmed: state.confirmed }),
  };
}

/** Time, then the encoded member's bytes — the order a Redis sorted set keeps (score, then memcmp of the member). */
function compareEvents(a: BehaviourEvent, b: BehaviourEvent): number {
  if (a.t !== b.t) return a.t - b.t;
  return compareBytes(encodeEvent(a), encodeEvent(b));
}

const ASCII = /^[\x00-\x7f]*$/;
const utf8 = new TextEncoder();

/** UTF-8 byte order; JavaScript's own string order (UTF-16 code units) agrees with it on ASCII. */
export function compareBytes(a: string, b: string): number {
  if (ASCII.test(a) && ASCII.test(b)) return a < b ? -1 : a > b ? 1 : 0;
  const [x, y] = [utf8.encode(a), utf8.encode(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * The event as stored in Redis (a sorted-set member): a JSON array that starts with the merchant, so the record
 * script can tell whose an event is from the member's first token alone (record-script.ts). Encoded once per
 * event object: ordering asks often.
 */
export function encodeEvent(e: BehaviourEvent): string {
  let encoded = encodings.get(e);
  if (encoded === undefined) {
    encoded = JSON.stringify([e.merchant, e.t, e.id, e.amount, e.country, e.card, e.device]);
    encodings.set(e, encoded);
  }
  return encoded;
}
const encodings = new WeakMap<BehaviourEvent, string>();

export function decodeEvent(member: string): BehaviourEvent {
  const [merchant, t, id, amount, country, card, device] = JSON.parse(member) as [
    string, number, string, number, string, string, string,
  ];
  return { t, id, amount, merchant, country, card, device };
}
