import type { EdgeContext, Transaction } from "../schemas/transaction";
import type { StoreItem } from "../store/feature-store";

/**
 * A validated transaction as the data path sees it. Its event time is `created_at` when given (so a merchant
 * replaying history, or a test, controls it), otherwise the time the edge received it. The idempotency key is
 * scoped to the merchant: two merchants may use the same transaction ids.
 */
export function toStoreItem(tx: Transaction, edge: EdgeContext, receivedAt: number, idempotencyKey?: string): StoreItem {
  return {
    input: { tx, edge, t: tx.created_at ? Date.parse(tx.created_at) : receivedAt },
    idempotencyKey: `${tx.merchant.id}:${idempotencyKey ?? tx.transaction_id}`,
  };
}
