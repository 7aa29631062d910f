import type { Principal } from "../auth/authenticate";
import type { EdgeContext, Transaction } from "../schemas/transaction";
import type { StoreItem } from "../store/interface";

/** How far ahead of the edge's clock a server's `created_at` may be. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * A validated transaction as the data path sees it.
 *
 * Event time: a server (secret key) may back-date with `created_at` — replaying its own history — but not
 * post-date: a future time would expire every entity's earlier events. A browser (publishable key) controls its
 * body entirely, so its transactions happen when the edge receives them.
 *
 * Idempotency scope: merchant, then the key kind — an answer produced for a checkout page (whose body the shopper
 * controls) is never replayed to the merchant's server — then either the transaction id or the caller's
 * Idempotency-Key, in separate namespaces so one can never collide with the other.
 */
export function toStoreItem(
  tx: Transaction,
  edge: EdgeContext,
  receivedAt: number,
  caller: Pick<Principal, "kind">,
  idempotencyKey?: string,
): StoreItem {
  const created = tx.created_at === undefined || caller.kind === "publishable" ? receivedAt : Date.parse(tx.created_at);
  const scope = idempotencyKey === undefined ? `tx:${tx.transaction_id}` : `key:${idempotencyKey}`;
  return {
    input: { tx, edge, t: Math.min(created, receivedAt + MAX_CLOCK_SKEW_MS) },
    idempotencyKey: `${tx.merchant.id}:${caller.kind}:${scope}`,
  };
}
