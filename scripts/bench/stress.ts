/**
 * `npm run bench:stress -- --scenario constant|ramp|spike|soak` — the load scenarios of scripts/bench/scenarios.json
 * (the same ones scripts/k6/scenarios.js runs against a deployment) against `npm start` on this machine: the built
 * Worker on workerd with the local stack, over loopback. Bounded: each stage runs for its seconds (and at most
 * --max-requests in all); the run stops by itself.
 *
 * Every 5 s it prints the interval's throughput, latency p50/p95/p99, errors (non-2xx and failed connections),
 * the degraded fraction (answers scored without some dependency) and workerd's RSS; after each stage, the stage's
 * figures; after a ramp, the breaking point: the first stage past the SLO (p99, error rate) or where throughput
 * stopped growing.
 *
 *   npm run bench:stress -- --scenario ramp
 *   npm run bench:stress -- --scenario soak --scale 0.1     every stage a tenth as long (a one-minute soak)
 *   npm run bench:stress -- --scenario spike --no-build     serve the last build (dist/worker)
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { isMain, runMain } from "../cli";
import { BENCH_KEY, BENCH_MERCHANT_ID } from "../seed-demo";
import { startServed } from "./served";
import { fmt, quantile } from "./start-worker";
import { rssMiB } from "./proc";
import { traffic } from "./traffic";

export interface Stage {
  seconds: number;
  connections: number;
}
export interface Scenarios {
  slo: { p99_ms: number; error_rate: number };
  scenarios: Record<string, { description: string; stages: Stage[] }>;
}
export const SCENARIOS = JSON.parse(readFileSync(new URL("./scenarios.json", import.meta.url), "utf8")) as Scenarios;

export interface Interval {
  stage: number;
  connections: number;
  /** Seconds since the scenario started. */
  at: number;
  requests: number;
  reqPerS: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  degraded: number;
  rssMiB: number;
}

export interface StageResult extends Omit<Interval, "at" | "rssMiB"> {
  rssMaxMiB: number;
}

/** Figures of a set of answers: latencies (ms), errors and degraded among them. */
function summarise(latencies: number[], errors: number, degraded: number, seconds: number) {
  const sorted = [...latencies].sort((a, b) => a - b);
  const requests = latencies.length + errors;
  return {
    requests,
    reqPerS: requests / Math.max(seconds, 1e-9),
    p50: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
    errors,
    degraded: latencies.length > 0 ? degraded / latencies.length : 0,
  };
}

/**
 * The breaking point of a ramp: the first stage past the SLO, or the first whose throughput grew by less than 5 %
 * over the stage before (more clients only queue).
 */
export function breakingPoint(stages: readonly StageResult[], slo: Scenarios["slo"]): { stage: number; why: string } | undefined {
  for (let i = 0; i < stages.length; i++) {
    const s = stages[i]!;
    if (s.p99 > slo.p99_ms) return { stage: i, why: `p99 ${fmt(s.p99)} ms > ${slo.p99_ms} ms` };
    if (s.requests > 0 && s.errors / s.requests > slo.error_rate) return { stage: i, why: `errors ${((100 * s.errors) / s.requests).toFixed(2)} % > ${slo.error_rate * 100} %` };
    if (i > 0 && s.reqPerS < stages[i - 1]!.reqPerS * 1.05) return { stage: i, why: `throughput ${fmt(s.reqPerS, 1)} req/s, under 5 % more than ${fmt(stages[i - 1]!.reqPerS, 1)} with half the clients` };
  }
  return undefined;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scenario: { type: "string", default: "constant" },
      scale: { type: "string", default: "1" },
      "max-requests": { type: "string", default: "1000000" },
      "no-build": { type: "boolean", default: false },
    },
  });
  const scenario = SCENARIOS.scenarios[values.scenario];
  if (!scenario) throw new Error(`no scenario ${values.scenario}; one of ${Object.keys(SCENARIOS.scenarios).join(", ")}`);
  const scale = Number(values.scale);
  const stages = scenario.stages.map((s) => ({ ...s, seconds: Math.max(2, Math.round(s.seconds * scale)) }));
  const maxRequests = Number(values["max-requests"]);
  console.log(`bench:stress: ${values.scenario} — ${scenario.description}${scale !== 1 ? ` (stages ×${scale})` : ""}`);

  const served = await startServed({ build: !values["no-build"] });
  try {
    const state = await served.ready();
    const tx = traffic("generated", { merchant: BENCH_MERCHANT_ID, run: Date.now().toString(36) });
    const started = performance.now();
    let sent = 0;
    const results: StageResult[] = [];
    /** The first few failures as they came, so an error count comes with what the errors were. */
    const failures: string[] = [];
    console.log(`bench:stress: npm start on ${state.url}; workerd RSS ${fmt(rssMiB(state.workerdPid), 1)} MiB before`);
    for (const [i, stage] of stages.entries()) {
      if (sent >= maxRequests) break;
      let window = { latencies: [] as number[], errors: 0, degraded: 0, from: performance.now() };
      const all = { latencies: [] as number[], errors: 0, degraded: 0 };
      let rssMax = 0;
      const flush = (final = false) => {
        const now = performance.now();
        // The stage's last sliver (under a second) is in the stage's figures; as an interval it would be noise.
        if (final && now - window.from < 1_000) return;
        const rss = rssMiB(state.workerdPid);
        rssMax = Math.max(rssMax, rss);
        const s = summarise(window.latencies, window.errors, window.degraded, (now - window.from) / 1000);
        console.log(
          `  ${fmt((now - started) / 1000, 0).padStart(4)} s  c=${String(stage.connections).padEnd(3)} ${fmt(s.reqPerS, 1).padStart(7)} req/s · p50 ${fmt(s.p50, 1)} p95 ${fmt(s.p95, 1)} p99 ${fmt(s.p99, 1)} ms · errors ${s.errors} · degraded ${(s.degraded * 100).toFixed(1)} % · workerd RSS ${fmt(rss, 1)} MiB`,
        );
        window = { latencies: [], errors: 0, degraded: 0, from: now };
      };
      const timer = setInterval(() => flush(), 5_000);
      const stageStarted = performance.now();
      await new Promise<void>((resolve, reject) => {
        const instance = autocannon(
          {
            url: state.url,
            connections: stage.connections,
            duration: stage.seconds,
            requests: [
              {
                method: "POST",
                path: "/v1/score",
                headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_KEY.key}` },
                setupRequest: (req) => ({ ...req, body: JSON.stringify(tx()) }),
                onResponse: (status: number, text: string) => {
                  if (status !== 200 && failures.length < 5) failures.push(`${status} ${text.slice(0, 200)}`);
                  if (status === 200 && !text.includes('"degraded":[]')) {
                    window.degraded++;
                    all.degraded++;
                  }
                },
              },
            ],
          },
          (err) => (err ? reject(err) : resolve()),
        );
        instance.on("response", (_client, status, _bytes, ms) => {
          sent++;
          if (status === 200) {
            window.latencies.push(ms);
            all.latencies.push(ms);
          } else {
            window.errors++;
            all.errors++;
          }
          if (sent >= maxRequests) instance.stop();
        });
        instance.on("reqError", (error: Error) => {
          window.errors++;
          all.errors++;
          if (failures.length < 5) failures.push(`no answer: ${error.message}`);
        });
      });
      clearInterval(timer);
      flush(true);
      const s = summarise(all.latencies, all.errors, all.degraded, (performance.now() - stageStarted) / 1000);
      results.push({ stage: i, connections: stage.connections, ...s, rssMaxMiB: rssMax });
      console.log(`stage ${i + 1}/${stages.length} c=${stage.connections} ${stage.seconds} s: ${fmt(s.reqPerS, 1)} req/s · p50 ${fmt(s.p50, 1)} p95 ${fmt(s.p95, 1)} p99 ${fmt(s.p99, 1)} ms · errors ${s.errors} of ${s.requests} · degraded ${(s.degraded * 100).toFixed(2)} % · RSS max ${fmt(rssMax, 1)} MiB`);
    }
    console.log("\n| stage | clients | s | req/s | p50 ms | p95 ms | p99 ms | errors | degraded | workerd RSS max MiB |");
    console.log("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const r of results) {
      console.log(`| ${r.stage + 1} | ${r.connections} | ${stages[r.stage]!.seconds} | ${fmt(r.reqPerS, 1)} | ${fmt(r.p50, 1)} | ${fmt(r.p95, 1)} | ${fmt(r.p99, 1)} | ${r.errors} / ${r.requests} | ${(r.degraded * 100).toFixed(2)} % | ${fmt(r.rssMaxMiB, 1)} |`);
    }
    for (const f of failures) console.log(`first failures: ${f}`);
    if (values.scenario === "ramp") {
      const broke = breakingPoint(results, SCENARIOS.slo);
      console.log(broke ? `\nbreaking point: stage ${broke.stage + 1} (c=${results[broke.stage]!.connections}): ${broke.why}` : "\nbreaking point: not reached within the ramp");
    }
  } finally {
    await served.stop();
  }
}

if (isMain(import.meta.url)) runMain(main, (e) => `bench:stress: ${e instanceof Error ? e.message : String(e)}`);
