import { SinkError, type AlertSink } from "./sink/interface";
import { IN_FLIGHT_MS, type AlertSpill } from "./spill/interface";

/**
 * Drains the spill into the sink, oldest first, a batch at a time — after reclaiming journal entries whose
 * delivery can no longer be running (their isolate died mid-delivery): a batch is removed from the spill only after
 * the sink acknowledged it, so a crash between the two re-sends it (at-least-once; consumers dedupe on
 * `alert_id`). Stops at the first failure — the sink is evidently still down — and leaves the rest for the next
 * run. A lease keeps two overlapping scheduled runs from sending the same batch.
 */
export interface ReplayOptions {
  batchSize: number;
  /** Total time for this run; each batch gets what remains. */
  budgetMs: number;
  /** Journal entries older than this are reclaimed; default IN_FLIGHT_MS (tests shorten it). */
  reclaimAfterMs?: number;
}

export interface ReplayReport {
  replayed: number;
  /** Journal entries found abandoned (their delivery never finished) and replayed with the spill. */
  reclaimed: number;
  /** Backlog left after this run. */
  remaining: number;
  /** Why the run stopped early: another run holds the lease, or the sink failed. */
  stopped?: "leased" | "sink_failed";
  error?: string;
}

export async function replaySpilled(sink: AlertSink, spill: AlertSpill, opts: ReplayOptions): Promise<ReplayReport> {
  const deadline = Date.now() + opts.budgetMs;
  const lease = await spill.lease(opts.budgetMs + 5_000);
  if (!lease) return { replayed: 0, reclaimed: 0, remaining: (await spill.backlog()).count, stopped: "leased" };
  let replayed = 0;
  try {
    const reclaimed = await spill.reclaim(Date.now() - (opts.reclaimAfterMs ?? IN_FLIGHT_MS));
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const batch = await spill.oldest(opts.batchSize);
      if (batch.length === 0) break;
      try {
        await sink.produce(batch, AbortSignal.timeout(left));
      } catch (e) {
        const error = e instanceof SinkError ? `${e.code}: ${e.message}` : String(e);
        return { replayed, reclaimed, remaining: (await spill.backlog()).count, stopped: "sink_failed", error };
      }
      await spill.remove(batch.map((a) => a.alert_id));
      replayed += batch.length;
    }
    return { replayed, reclaimed, remaining: (await spill.backlog()).count };
  } finally {
    await lease.release();
  }
}
