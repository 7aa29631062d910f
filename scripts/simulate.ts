/**
 * `npm run simulate` — live traffic for a local scorer (issue 15's simulator; S000's transaction producer): the
 * generated payment stream — legitimate shoppers and the fraud typologies — replayed at a steady rate, each payment
 * under a fresh id, as the demo merchant. Prints a line a second (sent, decisions, latency p50 / p99, errors) and a
 * summary. Bounded in rate, time and requests in flight; loopback by default.
 *
 *   npm run simulate -- [--rate 50/s] [--duration 120s] [--batch N] [--target http://127.0.0.1:8787] [--seed 7]
 *
 * `--batch N` sends N payments per POST /v1/score/batch instead of one per POST /v1/score (the rate counts
 * payments). A non-loopback `--target` needs SCORER_API_KEY (the demo keys are for a local scorer only).
 */
import { parseArgs } from "node:util";
import { isMain, runMain } from "./cli";
import { generateStream } from "./data/stream";
import { targetOf } from "./local-target";
import { REPLAY_KEY } from "./seed-demo";

export class SimulateError extends Error {}

const MAX_RATE = 2_000;
const MAX_DURATION_S = 3_600;
const MAX_IN_FLIGHT = 64;

export interface SimulationSummary {
  sent: number;
  answered: number;
  errors: number;
  decisions: Record<string, number>;
  degraded: number;
  latency_ms: { p50: number; p99: number; max: number };
  seconds: number;
  /** Payments the simulator could not send in time (the scorer fell behind: MAX_IN_FLIGHT requests waiting). */
  skipped: number;
}

export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(text.trim());
  const rate = m ? Number(m[1]) : Number.NaN;
  if (!(rate > 0 && rate <= MAX_RATE)) throw new SimulateError(`--rate takes payments per second, e.g. 50/s (at most ${MAX_RATE})`);
  return rate;
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * (m[2] === "m" ? 60 : 1) : Number.NaN;
  if (!(seconds > 0 && seconds <= MAX_DURATION_S)) throw new SimulateError(`--duration takes e.g. 120s or 2m (at most ${MAX_DURATION_S / 60}m)`);
  return seconds;
}

export async function simulate(argv: string[], env: NodeJS.ProcessEnv = process.env, out: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<SimulationSummary> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rate: { type: "string", default: "50/s" },
      duration: { type: "string", default: "120s" },
      batch: { type: "string", default: "0" },
      target: { type: "string" },
      seed: { type: "string", default: "7" },
    },
  });
  const rate = parseRate(values.rate);
  const seconds = parseDuration(values.duration);
  const batch = Number(values.batch);
  if (!Number.isInteger(batch) || batch < 0 || batch > 1000) throw new SimulateError("--batch takes 0 (single scores) to 1000");
  const { base, apiKey: key } = targetOf(values.target, env);
  if (!key) throw new SimulateError(`set SCORER_API_KEY to simulate against ${base} (the demo keys are for a local scorer only)`);

  const run = Date.now().toString(36);
  const stream = generateStream({ seed: Number(values.seed), rows: Math.ceil(rate * seconds) + 1, days: 14 });
  let seq = 0;
  const nextPayment = (): Record<string, unknown> | undefined => {
    const r = stream.next();
    if (r.done) return undefined;
    const { created_at: _claimed, ...tx } = r.value.tx;
    return { ...tx, transaction_id: `txn_sim_${run}_${seq++}`, merchant: { ...tx.merchant, id: REPLAY_KEY.spec.merchantId } };
  };

  const s: SimulationSummary = { sent: 0, answered: 0, errors: 0, decisions: {}, degraded: 0, latency_ms: { p50: 0, p99: 0, max: 0 }, seconds: 0, skipped: 0 };
  const latencies: number[] = [];
  let window: number[] = [];
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const send = (payments: Record<string, unknown>[]) => {
    const started = performance.now();
    inFlight++;
    s.sent += payments.length;
    const path = batch > 0 ? "/v1/score/batch" : "/v1/score";
    const body = batch > 0 ? { transactions: payments } : payments[0];
    const p = fetch(`${base}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) })
      .then(async (res) => {
        const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
        const ms = performance.now() - started;
        latencies.push(ms);
        window.push(ms);
        if (!res.ok || !json) {
          s.errors += payments.length;
          return;
        }
        const results = (batch > 0 ? (json.results as Record<string, unknown>[]) : [json]) ?? [];
        for (const r of results) {
          if (typeof r.decision !== "string") {
            s.errors++;
            continue;
          }
          s.answered++;
          s.decisions[r.decision] = (s.decisions[r.decision] ?? 0) + 1;
          if (Array.isArray(r.degraded) && r.degraded.length > 0) s.degraded++;
        }
      })
      .catch(() => {
        s.errors += payments.length;
      })
      .finally(() => {
        inFlight--;
        pending.delete(p);
      });
    pending.add(p);
  };

  const started = performance.now();
  // Paced by the clock, not by counting ticks (a timer fires late under load): by t seconds, rate × t are due.
  let scheduled = 0;
  let lastLine = started;
  const tickMs = 20;
  const per = Math.max(1, batch);
  while (performance.now() - started < seconds * 1000) {
    const due = Math.floor((rate * (performance.now() - started)) / 1000);
    while (due - scheduled >= per) {
      scheduled += per;
      if (inFlight >= MAX_IN_FLIGHT) {
        s.skipped += per;
        continue;
      }
      const payments: Record<string, unknown>[] = [];
      for (let i = 0; i < per; i++) {
        const p = nextPayment();
        if (p) payments.push(p);
      }
      if (payments.length > 0) send(payments);
    }
    const now = performance.now();
    if (now - lastLine >= 1000) {
      out(line(s, window, (now - started) / 1000));
      window = [];
      lastLine = now;
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  await Promise.all(pending);
  s.seconds = Math.round((performance.now() - started) / 100) / 10;
  const sorted = latencies.sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 10) / 10 : 0);
  s.latency_ms = { p50: q(0.5), p99: q(0.99), max: q(1) };
  out(`simulate: ${s.sent} sent in ${s.seconds} s, ${s.answered} answered (${Object.entries(s.decisions).map(([d, n]) => `${d} ${n}`).join(", ")}), ${s.errors} errors, ${s.degraded} degraded, ${s.skipped} skipped; latency p50 ${s.latency_ms.p50} ms, p99 ${s.latency_ms.p99} ms`);
  return s;
}

function line(s: SimulationSummary, window: number[], t: number): string {
  const sorted = [...window].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!.toFixed(1) : "—");
  const d = Object.entries(s.decisions).map(([k, n]) => `${k} ${n}`).join(" ");
  return `${t.toFixed(0).padStart(4)} s  sent ${s.sent}  ${d || "no decisions yet"}  p50 ${q(0.5)} ms  p99 ${q(0.99)} ms  errors ${s.errors}`;
}

if (isMain(import.meta.url)) runMain(async () => void (await simulate(process.argv.slice(2))), (e) => (e instanceof SimulateError ? e.message : e));
