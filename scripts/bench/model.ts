/**
 * Model time per score: the served ONNX model in the Worker (ORT Web, WASM, inside workerd) against the same file
 * in onnxruntime-node (native, one thread), for 1 and 1000 rows; and the Worker's cold first request.
 *   npx tsx scripts/bench/model.ts [--iters 2000]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as ortNode from "onnxruntime-node";
import { FEATURE_COUNT } from "../../src/features";
import { ModelCardSchema } from "../../src/model/card";
import { fmt, startWorker } from "./start-worker";

const { values } = parseArgs({ options: { iters: { type: "string", default: "2000" } } });
const ITERS = Number(values.iters);
const card = ModelCardSchema.parse(JSON.parse(readFileSync("models/fraud-gbdt.card.json", "utf8")));

function rowsOf(n: number): Float32Array {
  const input = new Float32Array(n * FEATURE_COUNT);
  for (let i = 0; i < input.length; i++) input[i] = ((i * 2654435761) % 1000) / 100 - 1;
  return input;
}

async function nodeTimes(rows: number, iters: number) {
  const session = await ortNode.InferenceSession.create("models/fraud-gbdt.onnx", { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feeds = { [card.input.name]: new ortNode.Tensor("float32", rowsOf(rows), [rows, FEATURE_COUNT]) };
  await session.run(feeds);
  const start = performance.now();
  for (let i = 0; i < iters; i++) await session.run(feeds);
  const ms = (performance.now() - start) / iters;
  return { ms_per_call: ms, us_per_row: (ms * 1000) / rows };
}

/**
 * The first requests of a fresh Worker. Scores go to the bench route that runs the real score handler without
 * an API key or Redis (scripts/bench/auth-bench-worker.ts), so the figure is workerd's script load plus the
 * model's first load, not a key lookup.
 */
const COLD_ENTRY = "scripts/bench/auth-bench-worker.ts";
// The operator's token: /health shows its checks (the model's load time among them) only to the operator.
const METRICS_TOKEN = "bench-metrics-token-0000000000000000";
const COLD_VARS = { ENVIRONMENT: "bench", UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "", METRICS_TOKEN };

async function coldStart() {
  const t0 = performance.now();
  const worker = await startWorker({ entrypoint: COLD_ENTRY, vars: COLD_VARS });
  const ready = performance.now() - t0;
  const tx = { transaction_id: "txn_cold", amount: 4999, currency: "USD", merchant: { id: "m_bench" }, card: { fingerprint: "fp_cold" } };
  const req = () =>
    worker.fetch("http://bench/bench/score-open", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(tx) });
  const t1 = performance.now();
  const first = await req();
  const firstMs = performance.now() - t1;
  await first.text();
  const t2 = performance.now();
  await (await req()).text();
  const secondMs = performance.now() - t2;
  await worker.dispose();

  // The same cold start, split: /health loads the model first and reports how long that took inside workerd.
  const again = await startWorker({ entrypoint: COLD_ENTRY, vars: COLD_VARS });
  const t3 = performance.now();
  const health = (await (await again.fetch("http://bench/health", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).json()) as { checks: { model: { latency_ms: number } } };
  const healthMs = performance.now() - t3;
  await again.dispose();
  return {
    startup_ms: ready,
    first_request_ms: firstMs,
    second_request_ms: secondMs,
    first_status: first.status,
    model_load_in_worker_ms: health.checks.model.latency_ms,
    first_health_ms: healthMs,
  };
}

async function main() {
  console.log(`model ${card.id}@${card.version} (${card.algorithm}), ${FEATURE_COUNT} features, ${ITERS} iterations per figure`);
  const cold = await coldStart();
  if (cold.first_status !== 200) throw new Error(`cold start: the first score answered ${cold.first_status}`);
  console.log(`cold start: wrangler/workerd ready ${fmt(cold.startup_ms, 0)} ms; first score ${fmt(cold.first_request_ms, 0)} ms (script load + model load + score); second ${fmt(cold.second_request_ms, 1)} ms`);
  console.log(`cold model load inside the Worker (ORT wasm instantiation + session creation, via a first /health): ${fmt(cold.model_load_in_worker_ms, 0)} ms of a ${fmt(cold.first_health_ms, 0)} ms request`);

  const worker = await startWorker({ entrypoint: "scripts/bench/model-bench-worker.ts" });
  const rows = [1, 1000];
  const results: Record<string, unknown>[] = [];
  for (const n of rows) {
    const iters = n === 1 ? ITERS : Math.max(20, Math.round(ITERS / 50));
    const w = (await (await worker.fetch(`http://bench/?rows=${n}&iters=${iters}`)).json()) as { ms_per_call: number; us_per_row: number; init_ms: number };
    const nd = await nodeTimes(n, iters);
    results.push({ rows: n, iters, worker_ms_per_call: w.ms_per_call, worker_us_per_row: w.us_per_row, node_ms_per_call: nd.ms_per_call, node_us_per_row: nd.us_per_row });
  }
  await worker.dispose();
  console.log("| rows | Worker (ORT Web WASM) ms/call | µs/row | onnxruntime-node ms/call | µs/row |");
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (const r of results as { rows: number; worker_ms_per_call: number; worker_us_per_row: number; node_ms_per_call: number; node_us_per_row: number }[]) {
    console.log(`| ${r.rows} | ${fmt(r.worker_ms_per_call, 4)} | ${fmt(r.worker_us_per_row, 2)} | ${fmt(r.node_ms_per_call, 4)} | ${fmt(r.node_us_per_row, 2)} |`);
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
