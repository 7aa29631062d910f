/**
 * `npm run stream` — the stream consumer from the command line (docs/streams.md).
 *
 *   npm run stream -- publish [--count 10000] [--seed 11] [--tag t1]   generated transactions → the topic
 *   npm run stream -- publish --file in.jsonl|in.csv                    a file's transactions → the topic
 *   npm run stream -- consume [--budget-ms 10000] [--max-s 600]          run passes until the topic is drained
 *   npm run stream -- status                                            the group's position and lag
 *
 * `publish` produces over the Upstash Kafka REST protocol (UPSTASH_KAFKA_REST_URL/_USERNAME/_PASSWORD, else the
 * local stack's endpoint), half the records under m_demo's secret key and half under m_demo_shop2's, so batches
 * hold two merchants' records; each record carries its key in an `authorization` header, as a merchant's
 * producer must. `consume` asks the scorer (SCORER_URL, default http://127.0.0.1:8787) for one pass after another
 * (POST /v1/admin/stream/pass, what the cron runs every minute in production) and prints records/s and lag; a
 * scorer that stops answering (killed, restarting) is waited for, up to --max-s.
 */
import { parseArgs } from "node:util";
import { Kafka } from "@upstash/kafka";
import type { PassReport } from "../src/schemas/stream";
import { isMain, runMain } from "./cli";
import { generateStream } from "./data/stream";
import { Progress } from "./data/progress";
import { kafkaRestFromEnv } from "./local/stack";
import { STREAM_TOPIC_LOCAL } from "./local/dev-backends";
import { targetOf } from "./local-target";
import { transactions } from "./score-file";
import { DEMO_SECRET_KEY, DEMO_SHOP2_SECRET_KEY } from "./seed-demo";

export interface PublishOptions {
  kafka: { url: string; username: string; password: string };
  topic: string;
  /** Each record's `authorization` header, in turn. */
  keys: readonly string[];
  quiet?: boolean;
}

/** Produces the transactions in order, 500 to a request; returns how many. */
export async function publish(txs: AsyncIterable<Record<string, unknown>> | Iterable<Record<string, unknown>>, total: number, opts: PublishOptions): Promise<number> {
  const producer = new Kafka(opts.kafka).producer();
  const progress = new Progress("publish", total, opts.quiet);
  let batch: Parameters<typeof producer.produceMany>[0] = [];
  let n = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await producer.produceMany(batch);
    progress.tick(batch.length);
    batch = [];
  };
  for await (const tx of txs) {
    batch.push({ topic: opts.topic, value: JSON.stringify(tx), headers: [{ key: "authorization", value: `Bearer ${opts.keys[n % opts.keys.length]!}` }] });
    n++;
    if (batch.length === 500) await flush();
  }
  await flush();
  progress.finish();
  return n;
}

/** `count` generated transactions, fresh ids; the key's merchant applies (merchant.id dropped), event time is receive time. */
export function* generated(count: number, seed: number, tag: string): Generator<Record<string, unknown>> {
  let i = 0;
  for (const r of generateStream({ seed, rows: count })) {
    const tx = structuredClone(r.tx) as Record<string, unknown>;
    tx.transaction_id = `txn_st_${tag}_${i++}`;
    delete tx.created_at;
    const { id: _id, ...merchant } = tx.merchant as Record<string, unknown>;
    tx.merchant = merchant;
    yield tx;
  }
}

export interface ConsumeReport {
  passes: number;
  records: number;
  scored: number;
  replayed: number;
  dead: number;
  /** Seconds from the first pass to the drained topic. */
  seconds: number;
  recordsPerSecond: number;
  /** Pass requests that got no answer (the scorer was down) and were tried again. */
  unanswered: number;
  lag: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Passes until one finds the topic drained (nothing handled, lag 0), or `maxSeconds`. A stalled partition (a
 * record an earlier, killed attempt still holds — up to a minute) is waited out.
 */
export async function consume(opts: { base: string; adminToken: string; budgetMs: number; maxSeconds: number; onPass?: (r: PassReport) => void }): Promise<ConsumeReport> {
  const started = performance.now();
  const total: ConsumeReport = { passes: 0, records: 0, scored: 0, replayed: 0, dead: 0, seconds: 0, recordsPerSecond: 0, unanswered: 0, lag: -1 };
  while ((performance.now() - started) / 1000 < opts.maxSeconds) {
    let report: PassReport;
    try {
      const res = await fetch(`${opts.base}/v1/admin/stream/pass?budget_ms=${opts.budgetMs}`, { method: "POST", headers: { authorization: `Bearer ${opts.adminToken}` } });
      if (!res.ok) throw new Error(`the pass answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      report = (await res.json()) as PassReport;
    } catch (e) {
      if (e instanceof Error && e.message.startsWith("the pass answered 4")) throw e;
      total.unanswered++;
      await sleep(1_000);
      continue;
    }
    total.passes++;
    total.records += report.records;
    total.scored += report.scored;
    total.replayed += report.replayed;
    total.dead += report.dead;
    total.lag = report.lag;
    opts.onPass?.(report);
    if (report.records === 0 && report.lag === 0 && !report.error) break;
    if (report.records === 0) await sleep(report.stalled.length > 0 ? 2_000 : 500);
  }
  total.seconds = Math.round((performance.now() - started) / 100) / 10;
  total.recordsPerSecond = total.seconds > 0 ? Math.round(total.records / total.seconds) : 0;
  return total;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      count: { type: "string", default: "10000" },
      seed: { type: "string", default: "11" },
      tag: { type: "string", default: Date.now().toString(36) },
      file: { type: "string" },
      topic: { type: "string", default: process.env.STREAM_TOPIC ?? STREAM_TOPIC_LOCAL },
      url: { type: "string" },
      "budget-ms": { type: "string", default: "10000" },
      "max-s": { type: "string", default: "600" },
    },
  });
  const command = positionals[0];
  const target = targetOf(values.url, process.env);
  if (command === "publish") {
    const keys = process.env.STREAM_API_KEYS?.split(",") ?? (target.loopback ? [DEMO_SECRET_KEY, DEMO_SHOP2_SECRET_KEY] : []);
    if (keys.length === 0) throw new Error("set STREAM_API_KEYS (comma-separated secret keys with the score:batch scope) for a scorer that is not on this machine");
    const opts = { kafka: kafkaRestFromEnv(), topic: values.topic, keys };
    const started = performance.now();
    let n: number;
    if (values.file) {
      const rows = async function* () {
        for await (const row of transactions(values.file!, false, true)) if (row.tx) yield row.tx;
      };
      n = await publish(rows(), Number.POSITIVE_INFINITY, { ...opts, quiet: true });
    } else {
      const count = Number(values.count);
      n = await publish(generated(count, Number(values.seed), values.tag), count, opts);
    }
    console.log(`stream: published ${n} transactions to ${values.topic} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    return;
  }
  if (!target.adminToken) throw new Error("set ADMIN_TOKEN (the scorer's operator token)");
  if (command === "consume") {
    const report = await consume({
      base: target.base,
      adminToken: target.adminToken,
      budgetMs: Number(values["budget-ms"]),
      maxSeconds: Number(values["max-s"]),
      onPass: (r) =>
        console.log(
          `pass: ${r.records} records in ${r.batches} batches (${r.scored} scored, ${r.replayed} replayed, ${r.dead} dead) in ${r.ms} ms = ${r.per_second}/s; lag ${r.lag}${r.stalled.length ? `; stalled ${r.stalled.join(",")}` : ""}${r.error ? `; ${r.error}` : ""}`,
        ),
    });
    console.log(`stream: ${report.records} records in ${report.passes} passes, ${report.seconds} s (${report.recordsPerSecond}/s); lag ${report.lag}; ${report.unanswered} unanswered pass requests`);
    return;
  }
  if (command === "status") {
    const res = await fetch(`${target.base}/v1/admin/stream`, { headers: { authorization: `Bearer ${target.adminToken}` } });
    console.log(JSON.stringify(await res.json(), null, 2));
    return;
  }
  throw new Error("usage: npm run stream -- publish [--count N | --file F] | consume [--budget-ms N] [--max-s N] | status");
}

if (isMain(import.meta.url)) runMain(main, (e) => `stream: ${e instanceof Error ? e.message : String(e)}`);
