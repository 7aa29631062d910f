/**
 * `npm run ab-report` — the A/B and shadow report (docs/models.md#the-ab-and-shadow-report): per model, decision
 * rates, score distributions and PSI against live; with labels, precision / recall / false-positive rate at the
 * live thresholds with 95 % Wilson intervals, and a significance test per candidate (two-proportion z for a
 * challenger, whose shoppers are its own; McNemar for a shadow, which scored the same transactions).
 *
 *   npm run ab-report -- --send 5000 [--seed 11]   replay 5,000 payments of the generated stream (labels known)
 *                                                  through the scorer as the demo merchant, then report on them
 *   npm run ab-report -- --send 5000 --feedback    …and send their labels to POST /v1/feedback (fraud as chargebacks,
 *                                                  the rest as manual reviews), as `npm run retrain` then reads them
 *   npm run ab-report                              report on what the scorer observed lately (no labels)
 *   npm run ab-report -- --labels labels.jsonl     …joined with labels: {"transaction_id": "…", "label": 0|1} lines
 *   npm run ab-report -- --file obs.jsonl          from exported observations instead of the scorer (one per line,
 *                                                  as GET /v1/admin/models/observations lists them)
 *   options: --url (SCORER_URL, default http://127.0.0.1:8787), --json, --out report.md
 *
 * The observations come from GET /v1/admin/models/observations (ADMIN_TOKEN; the dev token for a loopback URL):
 * the answering edge node's last 10,000 decisions — all of them under `npm run dev`, one isolate.
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { OBSERVATIONS_KEPT } from "../src/analytics/observations";
import { buildReport, formatReport, type Observation, type Thresholds } from "./ab/report";
import { isMain, runMain } from "./cli";
import { jsonLines } from "./json-lines";
import { Progress } from "./data/progress";
import { generateStream } from "./data/stream";
import { targetOf } from "./local-target";
import { REPLAY_KEY } from "./seed-demo";

export class AbReportError extends Error {}

const BATCH = 100;

interface Options {
  base: string;
  adminToken: string;
  apiKey: string | undefined;
}

export async function abReport(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ text: string; json: unknown }> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      send: { type: "string" },
      seed: { type: "string", default: "11" },
      labels: { type: "string" },
      file: { type: "string" },
      json: { type: "boolean", default: false },
      out: { type: "string" },
      quiet: { type: "boolean", default: false },
      feedback: { type: "boolean", default: false },
    },
  });
  const { base, loopback, adminToken, apiKey } = targetOf(values.url, env);
  if (adminToken === undefined) throw new AbReportError(`set ADMIN_TOKEN for ${base} (the dev token is for a local scorer only)`);
  const opts: Options = { base, adminToken, apiKey };

  const labels = new Map<string, 0 | 1>();
  let only: Set<string> | undefined;
  if (values.send !== undefined) {
    const n = Number(values.send);
    // The scorer keeps the last OBSERVATIONS_KEPT: a longer replay would lose its first payments before the report.
    if (!Number.isInteger(n) || n < 1 || n > OBSERVATIONS_KEPT) throw new AbReportError(`--send takes a count of payments, 1–${OBSERVATIONS_KEPT}`);
    if (!loopback && env.SCORER_API_KEY === undefined) throw new AbReportError("--send against a non-local scorer needs SCORER_API_KEY");
    only = await replay(opts, n, Number(values.seed), labels, values.quiet);
    if (values.feedback) await sendLabels(opts, labels, values.quiet);
  }
  if (values.labels) for await (const row of jsonLines<{ transaction_id: string; label: number }>(values.labels, (m) => new AbReportError(m))) labels.set(row.transaction_id, row.label ? 1 : 0);

  const routing = await call<{ routing: { live: string }; this_node: { version: string; thresholds?: Thresholds }[] }>(opts, "GET", "/v1/admin/models/routing", opts.adminToken);
  const thresholds = new Map(routing.this_node.flatMap((m) => (m.thresholds ? [[m.version, m.thresholds] as const] : [])));
  let observations = values.file ? await collect(jsonLines<Observation>(values.file, (m) => new AbReportError(m))) : await observed(opts);
  if (only) observations = observations.filter((o) => only.has(o.transaction_id));
  if (observations.length === 0) throw new AbReportError("no observations: score some traffic first (--send N replays the generated stream)");

  const report = buildReport(observations, labels, (v) => thresholds.get(v), routing.routing.live);
  const text = formatReport(report);
  if (values.out) writeFileSync(values.out, `${text}\n`);
  return { text: values.json ? JSON.stringify(report, null, 2) : text, json: report };
}

/** Sends `n` payments of the generated stream in batches, each under a fresh id, and keeps their labels. */
async function replay(opts: Options, n: number, seed: number, labels: Map<string, 0 | 1>, quiet: boolean): Promise<Set<string>> {
  const run = Date.now().toString(36);
  const ids = new Set<string>();
  const progress = new Progress("replay", n, quiet);
  const stream = generateStream({ seed, rows: n, days: 14 });
  let batch: Record<string, unknown>[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const out = await call<{ results: { transaction_id?: string; error?: unknown }[] }>(opts, "POST", "/v1/score/batch", opts.apiKey!, { transactions: batch });
    const failed = out.results.filter((r) => r.error !== undefined).length;
    if (failed > 0) console.warn(`ab-report: ${failed} of a batch of ${batch.length} were refused`);
    progress.tick(batch.length);
    batch = [];
  };
  let i = 0;
  for (const record of stream) {
    const { created_at: _claimed, ...tx } = record.tx;
    const id = `txn_ab_${run}_${i++}`;
    ids.add(id);
    labels.set(id, record.label);
    batch.push({ ...tx, transaction_id: id, merchant: { ...tx.merchant, id: REPLAY_KEY.spec.merchantId } });
    if (batch.length === BATCH) await flush();
  }
  await flush();
  const seconds = progress.finish();
  if (!quiet) console.error(`replay: ${n} payments in ${seconds.toFixed(1)} s (${[...labels.values()].filter((l) => l === 1).length} labelled fraud)`);
  // Shadows score after the answer: give the last batch's a moment to land in the log.
  await new Promise((r) => setTimeout(r, 500));
  return ids;
}

/** The replayed payments' labels through POST /v1/feedback, 1,000 a request. */
async function sendLabels(opts: Options, labels: ReadonlyMap<string, 0 | 1>, quiet: boolean): Promise<void> {
  const all = [...labels];
  const learnt_at = new Date().toISOString();
  let applied = 0;
  for (let i = 0; i < all.length; i += 1_000) {
    const out = await call<{ results: { status?: string }[] }>(opts, "POST", "/v1/feedback", opts.apiKey!, {
      labels: all.slice(i, i + 1_000).map(([transaction_id, y]) => ({ transaction_id, label: y ? "fraud" : "legitimate", source: y ? "chargeback" : "manual_review", learnt_at })),
    });
    applied += out.results.filter((r) => r.status === "applied" || r.status === "duplicate").length;
  }
  if (!quiet) console.error(`feedback: ${applied} of ${all.length} labels taken (POST /v1/feedback)`);
}

async function observed(opts: Options): Promise<Observation[]> {
  const out: Observation[] = [];
  let after = -1;
  for (;;) {
    const page = await call<{ last: number; observations: (Observation & { seq: number })[] }>(opts, "GET", `/v1/admin/models/observations?after=${after}&limit=5000`, opts.adminToken);
    out.push(...page.observations);
    if (page.observations.length === 0 || page.observations.at(-1)!.seq >= page.last) return out;
    after = page.observations.at(-1)!.seq;
  }
}

async function call<T>(opts: Options, method: string, path: string, token: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${opts.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  } catch (e) {
    throw new AbReportError(`cannot reach ${opts.base} (${e instanceof Error ? e.message : String(e)}): is the scorer running (npm run dev)?`);
  }
  const parsed = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (!res.ok) throw new AbReportError(`${method} ${path}: ${res.status} ${String(parsed?.code ?? "")}: ${String(parsed?.detail ?? parsed?.title ?? "")}`);
  return parsed as T;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

if (isMain(import.meta.url)) runMain(async () => console.log((await abReport(process.argv.slice(2))).text), (e) => (e instanceof AbReportError ? e.message : e));
