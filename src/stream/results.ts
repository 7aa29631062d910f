import type { TopicRecord } from "../alerts/alert";
import type { Problem } from "../errors/problem";
import type { ScoreResult } from "../schemas/score";
import { redactPans } from "../utils/pan";
import type { SourceRecord } from "./source/interface";

/** Where an answer came from: enough to find the record again, and to order a partition's answers. */
const sourceOf = (r: SourceRecord) => ({ topic: r.topic, partition: r.partition, offset: r.offset });

/** Headers that are never copied on: the record's API key stays in the transactions topic. */
const PRIVATE_HEADERS = new Set(["authorization"]);
/** An API key wherever it was put (a misnamed header, the value itself): never copied on either. */
const API_KEY = /\b(?:sk|pk)_(?:test|live)_[A-Za-z0-9_]+/g;
const scrub = (text: string) => redactPans(text.replace(API_KEY, "[api key removed]"));

/**
 * An answer for the results topic: keyed by merchant (so one merchant's answers keep their order on a partition),
 * the score response as the API returns it — `replayed: true` when a redelivered record was answered from the
 * idempotency store — and the record it answers. Consumers dedupe on `transaction_id`.
 */
export function resultRecord(record: SourceRecord, merchant: string, result: ScoreResult): TopicRecord {
  return {
    key: merchant,
    value: JSON.stringify({ transaction_id: result.transaction_id, merchant_id: merchant, source: sourceOf(record), result }),
    headers: [{ key: "transaction_id", value: result.transaction_id }],
  };
}

/**
 * A record the scorer refused, for the dead-letter topic: its problem document, where it was, and the record as it
 * came — less what must not travel: a value holding a card number is left out (`value_redacted`), and anything
 * that looks like a card number or an API key in the text, the key or the headers is masked (a value that is not
 * even JSON was never checked field by field).
 */
export function deadLetter(record: SourceRecord, problem: Problem, redacted: boolean): TopicRecord {
  const value = redacted ? undefined : scrub(record.value);
  return {
    key: scrub(record.key),
    value: JSON.stringify({ source: { ...sourceOf(record), timestamp: record.timestamp }, problem, ...(value === undefined ? { value_redacted: true } : { value, ...(value !== record.value && { value_masked: true }) }) }),
    headers: [
      { key: "problem", value: problem.code },
      ...record.headers.filter((h) => !PRIVATE_HEADERS.has(h.key.toLowerCase())).map((h) => ({ key: h.key, value: scrub(h.value) })),
    ],
  };
}
