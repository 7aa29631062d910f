/**
 * How long a promote or rollback takes to reach the answers (docs/models.md#propagation). Against a running
 * scorer (`npm run dev`, which has the local R2), with one published version `--version` besides the live one:
 * `--rounds` times, promote it and roll back, and after each change score with `--connections` clients until
 * every client's answer names the new live model. Prints, per kind of change, the time from the change's 200 to
 * the first and to the last client's first answer from the new model, and how many answers came from the old one.
 *
 *   npx tsx scripts/bench/routing-propagation.ts --version <v> [--rounds 5] [--connections 4] [--url …]
 *
 * Bounded: at most 20 rounds, 10 s per change. Loopback only (the dev admin token and the replay key).
 */
import { parseArgs } from "node:util";
import { runMain } from "../cli";
import { isLoopback } from "../local-target";
import { DEV_ADMIN_TOKEN, REPLAY_KEY } from "../seed-demo";

const { values } = parseArgs({ options: { url: { type: "string", default: "http://127.0.0.1:8787" }, version: { type: "string" }, rounds: { type: "string", default: "5" }, connections: { type: "string", default: "4" } } });
const base = values.url.replace(/\/$/, "");
if (!isLoopback(base)) throw new Error("loopback URLs only");
const rounds = Math.min(20, Number(values.rounds));
const connections = Math.min(32, Number(values.connections));

let seq = 0;
async function scoreOnce(client: number): Promise<string> {
  const res = await fetch(`${base}/v1/score`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${REPLAY_KEY.key}` },
    body: JSON.stringify({
      transaction_id: `txn_prop_${Date.now().toString(36)}_${seq++}`,
      amount: 2500,
      currency: "USD",
      merchant: { id: REPLAY_KEY.spec.merchantId, category: "5732", country: "US" },
      card: { fingerprint: `card_fp_prop_${client}`, bin: "424242", country: "US" },
      customer: { id: `cus_prop_${client}` },
    }),
  });
  const body = (await res.json()) as { model?: { version: string } };
  if (!res.ok || !body.model) throw new Error(`score answered ${res.status}: ${JSON.stringify(body)}`);
  return body.model.version;
}

async function change(body: unknown): Promise<string> {
  const res = await fetch(`${base}/v1/admin/models/routing`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${DEV_ADMIN_TOKEN}` }, body: JSON.stringify(body) });
  const out = (await res.json()) as { routing?: { live: string }; detail?: string };
  if (!res.ok || !out.routing) throw new Error(`routing change answered ${res.status}: ${out.detail}`);
  return out.routing.live;
}

/** After a change: each client scores until it sees `live`; returns when each first did (ms after `t0`) and the stale answers. */
async function followers(live: string, t0: number): Promise<{ first: number; last: number; stale: number }> {
  let stale = 0;
  const seen = await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      while (performance.now() - t0 < 10_000) {
        const v = await scoreOnce(c);
        if (v === live) return performance.now() - t0;
        stale++;
      }
      throw new Error(`client ${c} never saw ${live} within 10 s`);
    }),
  );
  return { first: Math.min(...seen), last: Math.max(...seen), stale };
}

async function main(): Promise<void> {
  if (!values.version) throw new Error("--version <a published version> is required");
  const results: Record<string, { first: number; last: number; stale: number }[]> = { promote: [], rollback: [] };
  for (let r = 0; r < rounds; r++) {
    for (const kind of ["promote", "rollback"] as const) {
      const live = await change(kind === "promote" ? { action: "promote", version: values.version } : { action: "rollback" });
      const t0 = performance.now();
      results[kind]!.push(await followers(live, t0));
    }
  }
  const fmt = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `${s[0]!.toFixed(1)} / ${s[Math.floor(s.length / 2)]!.toFixed(1)} / ${s.at(-1)!.toFixed(1)} ms`;
  };
  console.log(`routing propagation, ${rounds} rounds, ${connections} clients (min / median / max)`);
  for (const [kind, rs] of Object.entries(results)) {
    console.log(`  ${kind.padEnd(9)} first answer ${fmt(rs.map((x) => x.first))}; every client ${fmt(rs.map((x) => x.last))}; stale answers per change ${fmt(rs.map((x) => x.stale)).replaceAll(" ms", "")}`);
  }
  console.log(`  round 1's promote includes loading the version (R2 read, ONNX session): ${results.promote![0]!.first.toFixed(1)} ms`);
}

runMain(main);
