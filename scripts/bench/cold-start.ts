/**
 * Cold start of the self-hosted scorer (`npm start`: the built Worker on workerd, the local stack): for each run a
 * fresh workerd, then the first score — script load in the isolate, ORT's initialisation, the model's session and
 * its trees, the first Redis round trips — and the second. Start-up before that is reported separately: from
 * `npm start` (tsx, the backends, the config, then workerd reading it and compiling the bundle; the first run
 * also builds) until workerd's socket answers `GET /`, which needs no model.
 *
 *   npx tsx scripts/bench/cold-start.ts [--runs 3]
 */
import { parseArgs } from "node:util";
import { runMain } from "../cli";
import { BENCH_KEY, BENCH_MERCHANT_ID } from "../seed-demo";
import { answering, startServed } from "./served";
import { fmt } from "./start-worker";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });

const score = (url: string, i: number) =>
  fetch(`${url}/v1/score`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_KEY.key}` },
    body: JSON.stringify({
      transaction_id: `txn_cold_${Date.now().toString(36)}_${i}`,
      amount: 4999,
      currency: "USD",
      merchant: { id: BENCH_MERCHANT_ID, category: "5732", country: "US" },
      card: { fingerprint: `fp_cold_${i}`, country: "US" },
      device: { id: `dev_cold_${i}`, ip: "203.0.113.9" },
      channel: "web",
    }),
  });

async function main(): Promise<void> {
  const rows: { ready: number; first: number; firstServer: number; firstModel: number; second: number }[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const served = await startServed({ build: run === 0 });
    try {
      const spawned = performance.now();
      await answering(`${served.url}/`);
      const ready = performance.now() - spawned;
      let t = performance.now();
      const first = await score(served.url, 1);
      const body = (await first.json()) as { timings?: { total_ms: number; model_ms: number } };
      const firstMs = performance.now() - t;
      if (first.status !== 200) throw new Error(`first score: ${first.status} ${JSON.stringify(body)}`);
      t = performance.now();
      await (await score(served.url, 2)).text();
      rows.push({ ready, first: firstMs, firstServer: body.timings!.total_ms, firstModel: body.timings!.model_ms, second: performance.now() - t });
      console.log(`run ${run + 1}: npm start answering ${fmt(ready, 0)} ms after launch · first score ${fmt(firstMs, 0)} ms (server ${body.timings!.total_ms} ms, model ${body.timings!.model_ms} ms) · second ${fmt(rows.at(-1)!.second, 1)} ms`);
    } finally {
      await served.stop();
    }
  }
  const range = (k: keyof (typeof rows)[number]) => `${fmt(Math.min(...rows.map((r) => r[k])), 0)} – ${fmt(Math.max(...rows.map((r) => r[k])), 0)} ms`;
  console.log(`\n| ${rows.length} runs | min – max |\n| --- | --- |`);
  console.log(`| npm start answering GET / after launch (run 1 builds) | ${range("ready")} |\n| first score, at the client | ${range("first")} |\n| first score, server total_ms | ${range("firstServer")} |\n| of which model_ms | ${range("firstModel")} |\n| second score | ${range("second")} |`);
}

runMain(main, (e) => `cold-start: ${e instanceof Error ? e.message : String(e)}`);
