import { pathToString } from "../errors/field-errors";
import { ApiError } from "../errors/problem";
import type { Transaction, TransactionRequest } from "../schemas/transaction";
import type { Principal } from "./authenticate";

/**
 * A key acts for one merchant only: the transaction's `merchant.id` is filled from the key when left out, and a
 * different one is refused (403) — so no key can write to, or replay answers from, another merchant's scope.
 */
export function forMerchant(tx: TransactionRequest, principal: Principal): Transaction {
  const denied = merchantMismatch(tx, principal);
  if (denied) throw denied;
  return withKeyMerchant(tx, principal);
}

/** The 403 for a transaction naming another merchant than the key's (`at`: where it sits in the body). */
export function merchantMismatch(tx: TransactionRequest, principal: Principal, at: (string | number)[] = []): ApiError | undefined {
  const given = tx.merchant?.id;
  if (given === undefined || given === principal.merchantId) return undefined;
  const path = pathToString([...at, "merchant", "id"]);
  return new ApiError("forbidden", `${path} is not the merchant of this API key; leave it out to use the key's merchant`, [
    { path, code: "forbidden", message: "must be the API key's merchant (or left out)" },
  ]);
}

export function withKeyMerchant(tx: TransactionRequest, principal: Principal): Transaction {
  return { ...tx, merchant: { ...tx.merchant, id: principal.merchantId } };
}
