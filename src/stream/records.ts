import { authenticate, type KeyAuth, type Principal } from "../auth/authenticate";
import { authorize } from "../auth/authorize";
import { merchantMismatch, withKeyMerchant } from "../auth/merchant-scope";
import { fieldErrors } from "../errors/field-errors";
import { ApiError, problem, type Problem } from "../errors/problem";
import { deeperThan, MAX_DEPTH } from "../http/json-body";
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

/**
 * What a transactions record must be authorised for: a merchant's secret key with the stream's own scope. A key
 * travels in every record, so anyone who reads the topic holds it: a producer's key with only `score:stream` is
 * worth nothing on the HTTP API (docs/streams.md).
 */
const ACCESS = { keys: ["secret"], scope: "score:stream" } as const;

/** A single score's body limit (POST /v1/score), for a record's value too. */
export const MAX_RECORD_BYTES = 64 * 1024;

/**
 * The record's event time. Within 10 minutes (the tolerance a server's `created_at` has), the broker's timestamp,
 * so a record delivered again is the very same event (the behaviour store keeps events as set members); past it,
 * now. So a producer, which sets the timestamp, can date what it adds to the shared history at most 10 minutes
 * back — where an HTTP score is always dated by its receipt (docs/streams.md).
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
      try {
        return await parseOne(record, auth, now, principals);
      } catch (e) {
        // Whatever a record holds, it is that record's problem, never the partition's.
        console.warn("stream: a record could not be read:", e instanceof Error ? e.name : typeof e);
        return { kind: "dead", record, problem: problem("validation_failed", "The record could not be read"), redacted: false };
      }
    }),
  );
}

async function parseOne(record: SourceRecord, auth: KeyAuth, now: number, principals: Map<string, Promise<Principal>>): Promise<ParsedRecord> {
  const dead = (p: Problem, redacted = false): ParsedRecord => ({ kind: "dead", record, problem: p, redacted });
  if (new TextEncoder().encode(record.value).length > MAX_RECORD_BYTES) return dead(problem("payload_too_large", `The record's value is over ${MAX_RECORD_BYTES} bytes`));
  let raw: unknown;
  try {
    raw = JSON.parse(record.value);
  } catch {
    return dead(problem("malformed_json", "The record's value is not JSON"));
  }
  if (deeperThan(raw, MAX_DEPTH)) return dead(problem("validation_failed", undefined, [{ path: "(body)", code: "too_deep", message: `JSON nested deeper than ${MAX_DEPTH} levels` }]));
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
  const caller = { kind: principal.kind, mode: principal.mode };
  // `created_at` is checked against when the producer published it, not when the pass reads it: a record that
  // waited in the topic (an outage, a lag) is not refused for its age — it may have been answered already.
  const late = createdAtProblem(parsed.data, Math.min(record.timestamp, now), caller);
  if (late) return dead(problem("validation_failed", undefined, [late]));
  return { kind: "item", record, item: await toStoreItem(withKeyMerchant(parsed.data, principal), {}, eventTime(record, now), caller) };
}
