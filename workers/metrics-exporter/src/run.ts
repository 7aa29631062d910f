import { alertSinkFrom, alertSpillFrom } from "../../../src/alerts/from-config";
import { replaySpilled, type ReplayReport } from "../../../src/alerts/replay";
import type { AlertSpill, SpillBacklog } from "../../../src/alerts/spill";
import { snapshotStoreFrom } from "../../../src/analytics/snapshot-store";
import type { ModelCard } from "../../../src/model/card";
import { AeSqlClient } from "./ae-sql-client";
import { buildSnapshot } from "./build-snapshot";
import { aeSqlUrl, ExporterConfigSchema, type ExporterBindings } from "./config";
import { runQueries } from "./queries";

/**
 * One scheduled run: replay the alert spill into the sink (alerts first — they are what someone acts on), then
 * compute the metrics snapshot from Analytics Engine and store it in Redis. Each phase runs even if the other
 * failed; the run reports what each did.
 */
export interface ExporterReport {
  replay: ReplayReport | { skipped: string } | { failed: string };
  metrics: { written: true; queries: number; rows: number; merchants: number; ms: number } | { skipped: string } | { failed: string };
}

export async function runExporter(env: ExporterBindings, card: ModelCard, now: number): Promise<ExporterReport> {
  const config = ExporterConfigSchema.parse(env);
  const spill = alertSpillFrom(config);
  const sink = alertSinkFrom(config);

  let replay: ExporterReport["replay"];
  let replayReport: ReplayReport | undefined;
  if (!spill) replay = { skipped: "no Redis (UPSTASH_REDIS_REST_URL): nothing is spilled" };
  else if (sink.kind !== "sink") replay = { skipped: `no alert sink: ${sink.detail}` };
  else {
    try {
      replayReport = await replaySpilled(sink.sink, spill, {
        batchSize: config.REPLAY_BATCH,
        budgetMs: config.REPLAY_BUDGET_MS,
        reclaimAfterMs: config.REPLAY_RECLAIM_AFTER_MS,
      });
      replay = replayReport;
    } catch (e) {
      replay = { failed: e instanceof Error ? e.message : String(e) };
    }
  }

  let metrics: ExporterReport["metrics"];
  const url = aeSqlUrl(config);
  const store = snapshotStoreFrom(config);
  if (!url || !config.CF_API_TOKEN) metrics = { skipped: "AE SQL API not configured (CF_ACCOUNT_ID or AE_SQL_URL, and CF_API_TOKEN)" };
  else if (!store) metrics = { skipped: "no Redis (UPSTASH_REDIS_REST_URL) to store the snapshot in" };
  else {
    try {
      const windows = { trafficMinutes: config.TRAFFIC_WINDOW_MINUTES, driftMinutes: config.DRIFT_WINDOW_MINUTES };
      const { results, source } = await runQueries(new AeSqlClient(url, config.CF_API_TOKEN), config.AE_DATASET, card, {
        ...windows,
        maxMerchants: config.MAX_MERCHANTS,
      });
      const backlog = spill ? await backlogOf(spill) : undefined;
      const snapshot = buildSnapshot({
        now,
        windows,
        card,
        results,
        source,
        alerts: {
          spill_backlog: backlog?.count ?? 0,
          oldest_spilled_at: backlog?.oldestAt ? new Date(backlog.oldestAt).toISOString() : null,
          replayed: replayReport?.replayed ?? 0,
          replay_error: replayReport?.error ?? ("failed" in replay ? replay.failed : null),
        },
      });
      await store.write(snapshot);
      metrics = { written: true, queries: source.queries, rows: source.rows, merchants: Object.keys(snapshot.merchants).length, ms: source.ms };
    } catch (e) {
      metrics = { failed: e instanceof Error ? e.message : String(e) };
    }
  }
  return { replay, metrics };
}

async function backlogOf(spill: AlertSpill): Promise<SpillBacklog | undefined> {
  try {
    return await spill.backlog();
  } catch {
    return undefined;
  }
}
