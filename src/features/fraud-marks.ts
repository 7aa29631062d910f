import { DAY_MS, compareBytes, type EntityKind, type FraudMark } from "./state";

/**
 * The network's memory of confirmed fraud (docs/feedback.md#network-memory). A merchant's confirmed-fraud label
 * (src/schemas/feedback.ts CONFIRMING_SOURCES) marks its transaction's card, device and customer in the shared
 * state, and the `*_confirmed_fraud_90d` features count the *merchants* that did so for the entity's transactions
 * of the last 90 days. Counting merchants, not marks, is the hostile-merchant bound: whatever one merchant labels,
 * it moves another merchant's feature by at most 1 — and it can only mark entities of its own transactions.
 *
 * `applyMark` is pure: training's replay (src/features/replay.ts), the memory store and the Redis script
 * (src/store/transactions/scripts.ts MARK_SCRIPT) take the same steps, in the same order.
 */

/** Not the IP: addresses are shared (carrier NAT, offices, hotels), and a mark would follow their next users. */
export const MARKED_KINDS = ["card", "device", "customer"] as const satisfies readonly EntityKind[];
export const CONFIRMED_WINDOW_MS = 90 * DAY_MS;
/** Marks one merchant holds on an entity (its newest): bounds what one merchant can make of the entity's memory. */
export const MAX_MARKS_PER_MERCHANT = 4;
/**
 * Marks an entity holds. Past it the oldest mark of a merchant holding several goes first, so a newcomer displaces
 * no merchant's only mark while any merchant holds more than one; once MAX_MARKS merchants hold one each, a new
 * merchant's mark displaces the oldest, and the count of merchants stays MAX_MARKS.
 */
export const MAX_MARKS = 32;

/** The mark as stored (a sorted-set member, scored by `t`): JSON that starts with the merchant. */
export const encodeMark = (m: Pick<FraudMark, "merchant" | "id">): string => JSON.stringify([m.merchant, m.id]);

export function decodeMark(member: string, t: number): FraudMark {
  const [merchant, id] = JSON.parse(member) as [string, string];
  return { t, merchant, id };
}

/** Sorted-set order: time, then the member's UTF-8 bytes. */
const order = (a: FraudMark, b: FraudMark) => a.t - b.t || compareBytes(encodeMark(a), encodeMark(b));

/**
 * The marks after one label, as of `now`: the mark added (`confirmed`) or removed (the transaction's label is no
 * longer a confirmed fraud); marks at or before `now - CONFIRMED_WINDOW_MS` dropped; each merchant's newest
 * MAX_MARKS_PER_MERCHANT kept; then, while more than MAX_MARKS, the oldest of a merchant holding several dropped
 * (else the oldest).
 */
export function applyMark(marks: readonly FraudMark[] | undefined, mark: FraudMark, confirmed: boolean, now: number): FraudMark[] {
  const key = encodeMark(mark);
  let kept = (marks ?? []).filter((m) => encodeMark(m) !== key);
  if (confirmed) kept.push(mark);
  kept = kept.filter((m) => m.t > now - CONFIRMED_WINDOW_MS).sort(order);
  const own = kept.filter((m) => m.merchant === mark.merchant);
  if (own.length > MAX_MARKS_PER_MERCHANT) {
    const dropped = new Set(own.slice(0, own.length - MAX_MARKS_PER_MERCHANT));
    kept = kept.filter((m) => !dropped.has(m));
  }
  while (kept.length > MAX_MARKS) {
    const held = new Map<string, number>();
    for (const m of kept) held.set(m.merchant, (held.get(m.merchant) ?? 0) + 1);
    const at = kept.findIndex((m) => held.get(m.merchant)! > 1);
    kept.splice(at >= 0 ? at : 0, 1);
  }
  return kept;
}

/** Distinct merchants whose confirmed fraud on this entity was a transaction in the 90 days up to `t`. */
export function confirmedMerchants(marks: readonly FraudMark[] | undefined, t: number): number {
  if (!marks || marks.length === 0) return 0;
  const merchants = new Set<string>();
  for (const m of marks) if (m.t > t - CONFIRMED_WINDOW_MS && m.t <= t) merchants.add(m.merchant);
  return merchants.size;
}
