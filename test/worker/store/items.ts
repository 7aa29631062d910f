import type { ScoringInput } from "../../../src/features";
import { reservationFor, type StoreItem } from "../../../src/store/interface";

/**
 * A store item as the pipeline makes one (src/pipeline/item.ts), for tests that drive a store directly: the
 * fingerprint stands for "the request" — the same one for a retry, `fingerprint` another for a different request.
 */
export function storeItem(input: ScoringInput, idempotencyKey: string, fingerprint = "f".repeat(64)): StoreItem {
  return { input, idempotencyKey, source: "secret", fingerprint, reservation: reservationFor(fingerprint) };
}
