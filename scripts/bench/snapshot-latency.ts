/**
 * How soon a score reaches the metrics snapshot on `npm run dev` / `npm start`: the time from an answer to its
 * decision point arriving at the local AE SQL stand-in (polled), then how long one exporter run takes (docs/metrics.md#locally).
 *
 *   npx tsx scripts/bench/snapshot-latency.ts [--scores 10] [--target http://127.0.0.1:8787] [--ae http://127.0.0.1:8077]
 *       [--exporter http://127.0.0.1:8790]
 */
import { parseArgs } from "node:util";
import { AE_LOCAL_DEFAULTS } from "../local/ae-sql";
import { EXPORTER_PORT, scheduledUrl } from "../local/exporter-dev";
import { DEMO_SHOP2_SECRET_KEY } from "../seed-demo";

const { values } = parseArgs({
  options: {
    scores: { type: "string", default: "10" },
    target: { type: "string", default: "http://127.0.0.1:8787" },
    ae: { type: "string", default: `http://127.0.0.1:${AE_LOCAL_DEFAULTS.port}` },
    exporter: { type: "string", default: `http://127.0.0.1:${process.env.EXPORTER_PORT ?? EXPORTER_PORT}` },
  },
});
const points = async () => ((await (await fetch(`${values.ae}/__stats`)).json()) as { points: number }).points;
const n = Math.min(100, Math.max(1, Number(values.scores)));
const waits: number[] = [];
for (let i = 0; i < n; i++) {
  const before = await points();
  const id = `${Date.now().toString(36)}_${i}`;
  const res = await fetch(`${values.target}/v1/score`, {
    method: "POST",
    headers: { authorization: `Bearer ${DEMO_SHOP2_SECRET_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ transaction_id: `txn_lat_${id}`, amount: 1000, currency: "USD", merchant: { id: "m_demo_shop2" }, card: { fingerprint: `card_lat_${id}` } }),
  });
  if (res.status !== 200) throw new Error(`score answered ${res.status}`);
  await res.text();
  const t0 = performance.now();
  while ((await points()) === before) {
    if (performance.now() - t0 > 10_000) throw new Error("the point never reached the stand-in (is ANALYTICS_FORWARD_URL set? npm run dev sets it)");
    await new Promise((r) => setTimeout(r, 2));
  }
  waits.push(performance.now() - t0);
}
waits.sort((a, b) => a - b);
const t1 = performance.now();
const run = await fetch(scheduledUrl(values.exporter));
await run.text();
console.log(`answer → decision point at the AE stand-in (${n} scores): min ${waits[0]!.toFixed(1)} ms, median ${waits[Math.floor(n / 2)]!.toFixed(1)} ms, max ${waits[n - 1]!.toFixed(1)} ms`);
console.log(`one exporter run (the snapshot rewritten): ${(performance.now() - t1).toFixed(0)} ms${run.ok ? "" : ` — it answered ${run.status}`}`);
