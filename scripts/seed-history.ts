/**
 * The operator's backfill: history into the scorer's Redis through the feature store's own script, each
 * transaction at its own time — which live scoring never accepts (src/pipeline/item.ts). Needs the Redis
 * credentials, not an API key.
 *
 *   npm run seed -- [--rows 50000] [--seed 7] [--days 14] [--batch 500]
 *       generated history (cards with history, busy devices, fraud bursts), shifted to end now, so local scoring
 *       sees realistic behaviour
 *   npm run seed -- --file history.jsonl [--batch 500]
 *       real history: one transaction per line as POST /v1/score takes it, `merchant.id` and `created_at` (its
 *       time) required; a line that does not validate, holds a card number or lies in the future is reported
 *       (line and field, never the value) and skipped. A line recorded once is not recorded again for 24 h, so
 *       a rerun after an interruption counts nothing twice.
 *
 * Reads UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN (default: the local stack of `npm run dev`).
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { fieldErrors } from "../src/errors/field-errors";
import { toStoreItem } from "../src/pipeline/item";
import { findPanPaths } from "../src/utils/pan";
import { TransactionSchema } from "../src/schemas/transaction";
import type { StoreItem } from "../src/store/interface";
import { RedisFeatureStore } from "../src/store/redis";
import { isMain, runMain } from "./cli";
import { generateStream } from "./data/stream";
import { LOCAL_DEFAULTS } from "./local/stack";

export interface BackfillReport {
  recorded: number;
  /** Already recorded by an earlier run (within 24 h). */
  skipped: number;
  rejected: { line: number; problem: string }[];
}

type Store = Pick<RedisFeatureStore, "recordAndLoad" | "saveResponses">;

/** Records `items` and marks each recorded one answered, so a rerun replays instead of counting it again. */
async function record(store: Store, items: StoreItem[], report: BackfillReport): Promise<void> {
  if (items.length === 0) return;
  const outcomes = await store.recordAndLoad(items);
  const recorded = items.filter((_, i) => outcomes[i]!.kind === "recorded");
  report.recorded += recorded.length;
  report.skipped += items.length - recorded.length;
  await store.saveResponses(recorded.map((item) => ({ item, response: { backfilled: true } })));
}

/** A JSON-lines file of transactions into `store`, `batchSize` per call; `progress` after each call. */
export async function backfillFile(store: Store, path: string, batchSize: number, progress: (r: BackfillReport, lines: number) => void = () => {}): Promise<BackfillReport> {
  const report: BackfillReport = { recorded: 0, skipped: 0, rejected: [] };
  let batch: StoreItem[] = [];
  let line = 0;
  const now = Date.now();
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      report.rejected.push({ line, problem: "not JSON" });
      continue;
    }
    const pans = findPanPaths(json);
    if (pans.length > 0) {
      report.rejected.push({ line, problem: `card number at ${pans.map((p) => p.join(".") || "(line)").join(", ")}` });
      continue;
    }
    const parsed = TransactionSchema.safeParse(json);
    if (!parsed.success) {
      report.rejected.push({ line, problem: fieldErrors(parsed.error).map((e) => `${e.path}: ${e.code}`).join("; ") });
      continue;
    }
    const at = parsed.data.created_at === undefined ? NaN : Date.parse(parsed.data.created_at);
    if (!(at <= now)) {
      report.rejected.push({ line, problem: parsed.data.created_at === undefined ? "created_at: required (the transaction's time)" : "created_at: in the future" });
      continue;
    }
    batch.push(await toStoreItem(parsed.data, {}, at, { kind: "secret" }, parsed.data.transaction_id, "backfill"));
    if (batch.length >= batchSize) {
      await record(store, batch, report);
      batch = [];
      progress(report, line);
    }
  }
  await record(store, batch, report);
  progress(report, line);
  return report;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: "string", default: "50000" },
      seed: { type: "string", default: "7" },
      batch: { type: "string", default: "500" },
      days: { type: "string", default: "14" },
      file: { type: "string" },
    },
  });
  const batchSize = Math.min(1000, Number(values.batch));
  const url = process.env.UPSTASH_REDIS_REST_URL ?? `http://127.0.0.1:${LOCAL_DEFAULTS.redisRestPort}`;
  const token = process.env.UPSTASH_REDIS_REST_TOKEN ?? LOCAL_DEFAULTS.redisToken;
  const store = new RedisFeatureStore({ url, token, timeoutMs: 30_000 });
  const ping = await store.ping();
  if (ping.status !== "ok") throw new Error(`Redis at ${url} is not reachable (${ping.detail}); start it with \`npm run dev\` or set UPSTASH_REDIS_REST_URL`);
  const t0 = performance.now();
  const rate = (n: number) => Math.round(n / ((performance.now() - t0) / 1000));

  if (values.file) {
    const report = await backfillFile(store, values.file, batchSize, (r, lines) =>
      process.stdout.write(`\rseed: line ${lines}: ${r.recorded} recorded, ${r.skipped} already there, ${r.rejected.length} rejected (${rate(r.recorded + r.skipped)}/s)   `),
    );
    process.stdout.write("\n");
    for (const r of report.rejected.slice(0, 50)) console.error(`seed: line ${r.line}: ${r.problem}`);
    if (report.rejected.length > 50) console.error(`seed: … and ${report.rejected.length - 50} more rejected lines`);
    console.log(`seed: ${report.recorded} transactions backfilled into ${url} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    if (report.rejected.length > 0) process.exitCode = 1;
    return;
  }

  const rows = Number(values.rows);
  const days = Number(values.days);
  const start = Date.now() - days * 86_400_000;
  const report: BackfillReport = { recorded: 0, skipped: 0, rejected: [] };
  let fraud = 0;
  let batch: StoreItem[] = [];
  for (const r of generateStream({ seed: Number(values.seed), rows, start, days })) {
    if (r.t > Date.now()) break;
    if (r.label === 1) fraud++;
    batch.push(await toStoreItem(r.tx, r.edge, r.t, { kind: "secret" }, r.tx.transaction_id, "backfill"));
    if (batch.length < batchSize) continue;
    await record(store, batch, report);
    batch = [];
    const done = report.recorded + report.skipped;
    process.stdout.write(`\rseed: ${done}/${rows} transactions (${Math.round((100 * done) / rows)}%, ${rate(done)}/s, ${fraud} fraud)   `);
  }
  await record(store, batch, report);
  console.log(`\nseed: ${report.recorded} transactions over ${days} days replayed into ${url} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (isMain(import.meta.url)) runMain(main, (e) => `seed: ${e instanceof Error ? e.message : String(e)}`);
