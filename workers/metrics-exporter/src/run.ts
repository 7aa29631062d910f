import {
  NotConfiguredError,
  alertSinkFrom,
  alertSpillFrom,
  drainOutbox,
  upstashFrom,
  upstashRedis,
  type DrainReport,
  parseConfig,
  replaySpilled,
  snapshotStoreFrom,
  type AlertSpill,
  type ModelCard,
  type ReplayReport,
  type SpillBacklog,
} from "../../../src/shared";
import { AeSqlClient } from "./ae-sql-client";
import { buildSnapshot } from "./build-snapshot";
import { aeSqlUrl, ExporterConfigSchema, type ExporterBindings, type ExporterConfig } from "./config";
import { runQueries } from "./queries";

/**
 * One scheduled run: replay the alert spill into the sink (alerts first — they are what someone acts on), then
 * compute the metrics snapshot from Analytics Engine and store it in Redis. Each phase runs even if the other
 * failed; the run reports what each did. A configuration that does not parse fails the run naming the variables
 * (never their values), as the scoring Worker does.
 */
export interface ExporterReport {
  replay: ReplayReport | { skipped: string } | { failed: string };
  /** The decision log and the labels, from the outboxes to Kafka (docs/feedback.md). */
  outbox: { decisions: DrainReport; labels: DrainReport } | { skipped: string } | { failed: string };
  metrics: { written: true; queries: number; rows: number; merchants: number; ms: number } | { skipped: string } | { failed: string };
}

/** A phase that needs a backend the deployment does not have is skipped (and says which); any other error fails it. */
async function phase<T>(work: () => Promise<T>): Promise<T | { skipped: string } | { failed: string }> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof NotConfiguredError) return { skipped: e.message };
    return { failed: e instanceof Error ? e.message : String(e) };
  }
}

export async function runExporter(env: ExporterBindings, card: ModelCard, now: number): Promise<ExporterReport> {
  const config = parseConfig(ExporterConfigSchema, env);
  if (config.BACKENDS === "memory") {
    // Memory backends live in the scoring Worker's own isolate: this one would only see (and report) its own.
    const skipped = { skipped: "BACKENDS=memory: the scorer's state is in its own isolate, out of this Worker's reach" };
    return { replay: skipped, outbox: skipped, metrics: skipped };
  }
  const spill = alertSpillFrom(config);
  const replay = await replayPhase(config, spill);
  const outbox = await outboxPhase(config);
  const metrics = await metricsPhase(config, card, now, spill, replay);
  return { replay, outbox, metrics };
}

/** Decisions and labels written since the last run, produced to their topics (at least once: outbox.ts). */
async function outboxPhase(config: ExporterConfig): Promise<ExporterReport["outbox"]> {
  const redis = upstashFrom(config);
  if (!redis) return { skipped: "no Redis (UPSTASH_REDIS_REST_URL): no transaction records are kept" };
  const decisions = alertSinkFrom({ ...config, ALERT_TOPIC: config.DECISION_TOPIC });
  const labels = alertSinkFrom({ ...config, ALERT_TOPIC: config.LABEL_TOPIC });
  if (decisions.kind !== "sink" || labels.kind !== "sink") return { skipped: `no Kafka REST sink: ${decisions.kind === "sink" ? "" : decisions.detail}` };
  // What leaves the outbox is gone from it: never into a sink that is only this isolate's memory.
  if (decisions.sink.kind === "memory") return { skipped: "ALERT_SINK=memory: the decision log needs a Kafka REST sink" };
  const client = upstashRedis({ ...redis, timeoutMs: 10_000, retries: 1 });
  return phase(async () => ({
    decisions: await drainOutbox(client, "decisions", decisions.sink, { budgetMs: config.REPLAY_BUDGET_MS }),
    labels: await drainOutbox(client, "labels", labels.sink, { budgetMs: config.REPLAY_BUDGET_MS }),
  }));
}

async function replayPhase(config: ExporterConfig, spill: AlertSpill): Promise<ExporterReport["replay"]> {
  if (spill.kind === "not_configured") return { skipped: "no Redis (UPSTASH_REDIS_REST_URL): nothing is spilled" };
  const sink = alertSinkFrom(config);
  if (sink.kind !== "sink") return { skipped: `no alert sink: ${sink.detail}` };
  // Replayed alerts leave the spill for good: never into a sink that is only this isolate's memory.
  if (sink.sink.kind === "memory") return { skipped: "ALERT_SINK=memory: replay needs a Kafka REST sink" };
  return phase(() =>
    replaySpilled(sink.sink, spill, { batchSize: config.REPLAY_BATCH, budgetMs: config.REPLAY_BUDGET_MS, reclaimAfterMs: config.REPLAY_RECLAIM_AFTER_MS }),
  );
}

async function metricsPhase(config: ExporterConfig, card: ModelCard, now: number, spill: AlertSpill, replay: ExporterReport["replay"]): Promise<ExporterReport["metrics"]> {
  const url = aeSqlUrl(config);
  const token = config.CF_API_TOKEN;
  if (!url || !token) return { skipped: "AE SQL API not configured (CF_ACCOUNT_ID or AE_SQL_URL, and CF_API_TOKEN)" };
  const store = snapshotStoreFrom(config);
  // Checked before the queries, which would be spent for nothing.
  if (store.kind === "not_configured") return { skipped: "no Redis (UPSTASH_REDIS_REST_URL) to store the snapshot in" };
  return phase(async () => {
    const windows = { trafficMinutes: config.TRAFFIC_WINDOW_MINUTES, driftMinutes: config.DRIFT_WINDOW_MINUTES };
    const { results, source } = await runQueries(new AeSqlClient(url, token), config.AE_DATASET, card, { ...windows, maxMerchants: config.MAX_MERCHANTS });
    const backlog = await backlogOf(spill);
    const replayed = "replayed" in replay ? replay : undefined;
    const snapshot = buildSnapshot({
      now,
      windows,
      card,
      results,
      source,
      alerts: {
        spill_backlog: backlog?.count ?? 0,
        oldest_spilled_at: backlog?.oldestAt ? new Date(backlog.oldestAt).toISOString() : null,
        replayed: replayed?.replayed ?? 0,
        replay_error: replayed?.error ?? ("failed" in replay ? replay.failed : null),
      },
    });
    await store.write(snapshot);
    return { written: true as const, queries: source.queries, rows: source.rows, merchants: Object.keys(snapshot.merchants).length, ms: source.ms };
  });
}

async function backlogOf(spill: AlertSpill): Promise<SpillBacklog | undefined> {
  try {
    return await spill.backlog();
  } catch {
    return undefined;
  }
}
