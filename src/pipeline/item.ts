import type { KeyKind, KeyMode } from "../auth/api-key";
import type { FieldError } from "../errors/problem";
import { pathToString } from "../errors/field-errors";
import type { EdgeContext, Transaction } from "../schemas/transaction";
import { reservationFor, type StoreItem } from "../store/interface";
import { sha256Hex } from "../utils/sha256";

/**
 * How far from the edge's clock a server's `created_at` may be. Behaviour is recorded at the time the edge
 * receives a transaction; `created_at` is only the merchant's claim (it sets the local hour), so it must be
 * close to that. History older than this goes through the operator's backfill (`npm run seed`, with Redis
 * credentials), never through live scoring (docs/feature-store.md).
 */
export const CREATED_AT_TOLERANCE = { pastMs: 10 * 60_000, futureMs: 5 * 60_000 } as const;

/** The caller of a score, as far as its items depend on it. */
export interface Caller {
  kind: KeyKind;
  /** A test-mode key's scores honour the test cards (src/policy/test-mode.ts); default live. */
  mode?: KeyMode;
  /** For a publishable key: the shopper's network (the page's client, http/edge.ts), part of what a retry must match. */
  shopper?: string;
}

/** A `created_at` the scorer will not take as the merchant's claim: the field error, at `at` in the body. */
export function createdAtProblem(tx: Pick<Transaction, "created_at">, receivedAt: number, caller: Caller, at: (string | number)[] = []): FieldError | undefined {
  if (tx.created_at === undefined || caller.kind === "publishable") return undefined;
  const offset = Date.parse(tx.created_at) - receivedAt;
  if (offset >= -CREATED_AT_TOLERANCE.pastMs && offset <= CREATED_AT_TOLERANCE.futureMs) return undefined;
  return {
    path: pathToString([...at, "created_at"]),
    code: "out_of_range",
    message: `must be within ${CREATED_AT_TOLERANCE.pastMs / 60_000} minutes before and ${CREATED_AT_TOLERANCE.futureMs / 60_000} minutes after the time the scorer receives it (history is backfilled by an operator, docs/feature-store.md)`,
  };
}

/**
 * A validated transaction as the data path sees it.
 *
 * Event time: the edge's receive time, for everyone. A server's `created_at` (checked by createdAtProblem) is kept
 * as its claim, for the local hour; a browser controls its body entirely, so its `created_at` is not even that.
 *
 * Idempotency scope: merchant, then the key kind — an answer produced for a checkout page (whose body the shopper
 * controls) is never replayed to the merchant's server — and for a page the shopper's network, so a page can
 * neither collect another shopper's answer nor make a guessable order id wait or fail for the real shopper; then
 * the transaction id, the caller's Idempotency-Key, or (for the operator's backfill) the transaction id in a
 * namespace of its own, so none can collide with another. A retry must also be the same request: the fingerprint
 * is the SHA-256 of the canonical transaction (and, for a page, of the shopper's network); another request under
 * the key is refused (422).
 */
export async function toStoreItem(
  tx: Transaction,
  edge: EdgeContext,
  receivedAt: number,
  caller: Caller,
  idempotencyKey?: string,
  namespace: "key" | "backfill" = "key",
): Promise<StoreItem> {
  const scope = idempotencyKey === undefined ? `tx:${tx.transaction_id}` : `${namespace}:${idempotencyKey}`;
  const shopper = caller.kind === "publishable" ? `net:${(caller.shopper ?? "").length}:${caller.shopper ?? ""}:` : "";
  const claimedAt = tx.created_at !== undefined && caller.kind === "secret" ? Date.parse(tx.created_at) : undefined;
  const fingerprint = await sha256Hex(canonicalJson({ tx, ...(caller.kind === "publishable" && { shopper: caller.shopper ?? "" }) }));
  return {
    input: { tx, edge, t: receivedAt, ...(claimedAt !== undefined && { claimedAt }) },
    source: caller.kind,
    ...(caller.mode === "test" && { testMode: true }),
    // Length-prefixed: the merchant id is a string of any characters, and no merchant may spell another's scope.
    idempotencyKey: `${tx.merchant.id.length}:${tx.merchant.id}:${caller.kind}:${shopper}${scope}`,
    fingerprint,
    reservation: reservationFor(fingerprint),
  };
}

/** JSON with object keys sorted at every depth: the same request, however its keys were ordered. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}
