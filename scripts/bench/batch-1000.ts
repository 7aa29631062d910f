/**
 * A batch of 1000 through the self-hosted scorer (`npm start`, the local stack), warm: the server's own time
 * (`timings.total_ms`, from the request's arrival to the answer) and the model's share (`model_ms`: ONNX Runtime on
 * 1000 rows and their reasons from the trees), for fresh transactions of the generated stream (a real mix: most
 * entities new, some with history).
 *
 *   npx tsx scripts/bench/batch-1000.ts [--runs 10] [--size 1000] [--memory]
 * (--memory: the Worker's memory backends, so the difference is what the Redis round trip costs.)
 */
import { parseArgs } from "node:util";
import { runMain } from "../cli";
import { BENCH_KEY, BENCH_MERCHANT_ID } from "../seed-demo";
import { startServed } from "./served";
import { fmt, quantile } from "./start-worker";
import { traffic } from "./traffic";

const { values } = parseArgs({ options: { runs: { type: "string", default: "10" }, size: { type: "string", default: "1000" }, memory: { type: "boolean", default: false } } });
const tx = traffic("generated", { merchant: BENCH_MERCHANT_ID, run: Date.now().toString(36) });

async function main(): Promise<void> {
  const served = await startServed({ build: true, memory: values.memory });
  try {
    await served.ready();
    const batch = async () => {
      const t = performance.now();
      const res = await fetch(`${served.url}/v1/score/batch`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${BENCH_KEY.key}` },
        body: JSON.stringify({ transactions: Array.from({ length: Number(values.size) }, tx) }),
      });
      const body = (await res.json()) as { timings: { total_ms: number; model_ms: number }; results: { degraded?: string[] }[] };
      if (res.status !== 200) throw new Error(`batch: ${res.status} ${JSON.stringify(body).slice(0, 300)}`);
      return { client: performance.now() - t, ...body.timings, degraded: body.results.filter((r) => (r.degraded?.length ?? 0) > 0).length };
    };
    for (let i = 0; i < 3; i++) await batch(); // warm: ORT, the scripts, V8
    const runs: Awaited<ReturnType<typeof batch>>[] = [];
    for (let i = 0; i < Number(values.runs); i++) {
      const r = await batch();
      runs.push(r);
      console.log(`batch of ${values.size}: server ${r.total_ms} ms (model ${r.model_ms} ms), at the client ${fmt(r.client, 0)} ms, ${r.degraded} degraded`);
    }
    const q = (k: "total_ms" | "model_ms" | "client") => {
      const s = runs.map((r) => r[k]).sort((a, b) => a - b);
      return `${fmt(s[0]!, 0)} / ${fmt(quantile(s, 0.5), 0)} / ${fmt(s.at(-1)!, 0)}`;
    };
    console.log(`\nbatch of ${values.size}, ${runs.length} runs (min / median / max): server total ${q("total_ms")} ms · model ${q("model_ms")} ms · at the client ${q("client")} ms`);
  } finally {
    await served.stop();
  }
}

runMain(main, (e) => `batch-1000: ${e instanceof Error ? e.message : String(e)}`);
