import { authenticate, type KeyAuth, type Principal } from "../auth/authenticate";
import { authorize } from "../auth/authorize";
import { merchantMismatch, withKeyMerchant } from "../auth/merchant-scope";
import { fieldErrors } from "../errors/field-errors";
import { ApiError, problem, type Problem } from "../errors/problem";
import { panError } from "../http/pan-guard";
import { CREATED_AT_TOLERANCE, createdAtProblem, toStoreItem } from "../pipeline";
import { TransactionRequestSchema } from "../schemas/transaction";
import type { StoreItem } from "../store/interface";
import { findPanPaths } from "../utils/pan";
import type { SourceRecord } from "./source/interface";

/**
 * What a record of the transactions topic is to the pipeline (docs/streams.md):
 * - `item`: a validated, authenticated transaction, ready to score;
 * - `dead`: one that never will be (bad JSON, invalid fields, a card number, a key that is no good): it goes to
 *   the dead-letter topic with its problem document, and the partition moves on;
 * - `retry`: one that cannot be judged now (the key store is unreachable): the pass stops before it.
 */
export type ParsedRecord =
  | { kind: "item"; record: SourceRecord; item: StoreItem }
  | { kind: "dead"; record: SourceRecord; problem: Problem; redacted: boolean }
  | { kind: "retry"; record: SourceRecord; reason: string };

/** What a transactions record must be authorised for: the batch route's scope, from a merchant's server. */
const ACCESS = { keys: ["secret"], scope: "score:batch" } as const;

/**
 * The record's event time. Within the tolerance a server's `created_at` has, the broker's timestamp — so a record
 * delivered again is the very same event (the behaviour store keeps events as set members) — and past it, now:
 * a record cannot date what it adds to the shared history any further back than a server's score can.
 */
export function eventTime(record: SourceRecord, now: number): number {
  const offset = record.timestamp - now;
  return offset >= -CREATED_AT_TOLERANCE.pastMs && offset <= 0 ? record.timestamp : now;
}

/**
 * Turns records into pipeline items. The merchant is the record's API key's, exactly as over HTTP: a record
 * carries its merchant's secret key in an `authorization` header (`Bearer sk_…`), so a topic several merchants
 * write to cannot let one score — and write shared behaviour — as another.
 */
export async function parseRecords(records: readonly SourceRecord[], auth: KeyAuth, now: number): Promise<ParsedRecord[]> {
  const principals = new Map<string, Promise<Principal>>();
  return Promise.all(
    records.map(async (record): Promise<ParsedRecord> => {
      const dead = (p: Problem, redacted = false): ParsedRecord => ({ kind: "dead", record, problem: p, redacted });
      let raw: unknown;
      try {
        raw = JSON.parse(record.value);
      } catch {
        return dead(problem("malformed_json", "The record's value is not JSON"));
      }
      const pans = findPanPaths(raw);
      if (pans.length > 0) return dead(panError(pans).toProblem(), true);

      const header = record.headers.find((h) => h.key.toLowerCase() === "authorization")?.value;
      let principal: Principal;
      try {
        const key = header ?? "";
        if (!principals.has(key)) principals.set(key, authenticate(header, auth));
        principal = await principals.get(key)!;
        authorize(principal, ACCESS, undefined);
      } catch (e) {
        if (e instanceof ApiError && e.code === "store_unavailable") return { kind: "retry", record, reason: e.message };
        if (e instanceof ApiError) return dead(e.toProblem());
        throw e;
      }

      const parsed = TransactionRequestSchema.safeParse(raw);
      if (!parsed.success) return dead(problem("validation_failed", undefined, fieldErrors(parsed.error, [])));
      const denied = merchantMismatch(parsed.data, principal);
      if (denied) return dead(denied.toProblem());
      const t = eventTime(record, now);
      const caller = { kind: principal.kind, mode: principal.mode };
      const late = createdAtProblem(parsed.data, t, caller);
      if (late) return dead(problem("validation_failed", undefined, [late]));
      return { kind: "item", record, item: await toStoreItem(withKeyMerchant(parsed.data, principal), {}, t, caller) };
    }),
  );
}
