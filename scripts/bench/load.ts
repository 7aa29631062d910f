/**
 * `npm run bench:load`: throughput of the scorer as it would be self-hosted — `npm start` (the built Worker on
 * workerd, no wrangler dev layers), the local stack (redis-server behind the Upstash REST endpoint) — driven by
 * autocannon over loopback. Each step is bounded in time and in requests, and the whole run stops by itself.
 *
 * Transactions are unique (fresh ids: every score is recorded), sent with a bench key whose rate limit does not
 * bind: `--traffic generated` (the default) replays the synthetic payment stream, a real decision mix;
 * `--traffic profiles` a few thousand profiles round-robin (scripts/bench/traffic.ts). Per step it prints req/s, latency p50/p95/p99,
 * non-2xx, the degraded fraction (answers that scored without some dependency), and the CPU each process spent
 * per request (from /proc: workerd, the node process serving the Redis/Kafka REST endpoints, redis-server, and the
 * load generator itself). Afterwards it checks that every answer was stored under its idempotency key.
 *
 *   npm run bench:load                                   c = 1, 10, 50; single scores and batches of 100; 20 s each
 *   npm run bench:load -- --duration 10 --connections 10 --mode single
 *   npm run bench:load -- --soak 300                     RSS of workerd every 10 s over 5 minutes at c = 10
 *   npm run bench:load -- --no-build                     serve the last build (dist/worker)
 *   npm run bench:load -- --memory                       the Worker on its memory backends: what Redis costs, by difference
 *   npm run bench:load -- --policy 100:10000              the bench merchant with 100 rules and 10,000 list entries
 *                                                        (scripts/bench/policy-seed.ts): what its policy costs, by difference
 */
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { Redis as IORedis } from "ioredis";
import { runMain } from "../cli";
import { BENCH_KEY, BENCH_MERCHANT_ID } from "../seed-demo";
import type { RunningServer } from "../start";
import { seedPolicy } from "./policy-seed";
import { startServed } from "./served";
import { fmt, quantile } from "./start-worker";
import { cpuMs, rssMiB } from "./proc";
import { traffic } from "./traffic";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    connections: { type: "string", default: "1,10,50" },
    mode: { type: "string", default: "single,batch" },
    batch: { type: "string", default: "100" },
    "max-requests": { type: "string", default: "200000" },
    profiles: { type: "string", default: "3000" },
    soak: { type: "string", default: "0" },
    traffic: { type: "string", default: "generated" },
    "no-build": { type: "boolean", default: false },
    memory: { type: "boolean", default: false },
    policy: { type: "string", default: "0:0" },
  },
});
const [POLICY_RULES, POLICY_ENTRIES] = values.policy.split(":").map(Number) as [number, number];
const DURATION_S = Number(values.duration);
const CONNECTIONS = values.connections.split(",").map(Number);
const MODES = values.mode.split(",") as ("single" | "batch")[];
const BATCH = Number(values.batch);
const MAX_REQUESTS = Number(values["max-requests"]);
const PROFILES = Number(values.profiles);
const SOAK_S = Number(values.soak);

const KEY = BENCH_KEY.key;
const MERCHANT = BENCH_MERCHANT_ID;
const RUN = Date.now().toString(36);

const tx = traffic(values.traffic === "profiles" ? "profiles" : "generated", { merchant: MERCHANT, run: RUN, profiles: PROFILES });

interface Server {
  state: RunningServer;
  /** Absent on the memory backends. */
  redisPid?: number;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const served = await startServed({ build: !values["no-build"], memory: values.memory });
  console.log(`bench:load: npm start on port ${served.port}${values["no-build"] ? " (last build)" : ""} …`);
  const state = await served.ready();
  if (values.memory) return { state, stop: () => served.stop() };
  if (state.backends !== "redis-server" || !state.redisUrl) {
    await served.stop();
    throw new Error("bench:load measures the full local stack: install redis-server (apt-get install -y redis-server), or pass --memory");
  }
  const redis = new IORedis(state.redisUrl);
  const info = await redis.info("server");
  await redis.quit();
  const redisPid = Number(/process_id:(\d+)/.exec(info)![1]);
  return { state, redisPid, stop: () => served.stop() };
}

/**
 * One autocannon run, for `opts.duration` seconds or `maxRequests` responses, whichever comes first (autocannon's
 * own `amount` would override the duration); `onLatency` sees every response's time (ms).
 */
function fire(opts: autocannon.Options, maxRequests: number, onLatency?: (ms: number) => void): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(opts, (err, result) => (err ? reject(err) : resolve(result)));
    let seen = 0;
    instance.on("response", (_client, _status, _bytes, ms) => {
      onLatency?.(ms);
      if (++seen === maxRequests) instance.stop();
    });
  });
}

interface Step {
  mode: "single" | "batch";
  connections: number;
  requests: number;
  reqPerS: number;
  txPerS: number;
  p50: number;
  p95: number;
  p99: number;
  non2xx: number;
  errors: number;
  degraded: number;
  answers: number;
  /** Requests the Worker made to the Redis REST endpoint, per scored transaction, by path (/, /pipeline …). */
  redisPerTx: Record<string, number>;
  /** Share of answers per decision. */
  decisions: Record<string, number>;
  /** CPU ms per request, by process. */
  cpu: Record<"workerd" | "restEndpoints" | "redisServer" | "loadGenerator", number>;
}

async function step(server: Server, mode: "single" | "batch", connections: number, durationS: number): Promise<Step> {
  const path = mode === "single" ? "/v1/score" : "/v1/score/batch";
  const body = () => JSON.stringify(mode === "single" ? tx() : { transactions: Array.from({ length: BATCH }, tx) });
  const latencies: number[] = [];
  let degraded = 0;
  let answers = 0;
  const decisions: Record<string, number> = {};
  const refusals: string[] = [];
  const count = (d: string | undefined) => (decisions[d ?? "?"] = (decisions[d ?? "?"] ?? 0) + 1);
  const statsBefore = await restStats(server);
  const pids = { workerd: server.state.workerdPid, restEndpoints: server.state.pid, ...(server.redisPid && { redisServer: server.redisPid }), loadGenerator: process.pid };
  const before: Record<string, number> = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
  const started = performance.now();
  const result = await fire(
    {
      url: server.state.url,
      connections,
      duration: durationS,
      requests: [
        {
          method: "POST",
          path,
          headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
          setupRequest: (req) => ({ ...req, body: body() }),
          onResponse: (status: number, text: string) => {
            if (status !== 200) {
              if (refusals.length < 3) refusals.push(`${status} ${text.slice(0, 300)}`);
              return;
            }
            if (mode === "single") {
              answers++;
              if (!text.includes('"degraded":[]')) degraded++;
              count(/"decision":"(\w+)"/.exec(text)?.[1]);
            } else {
              const { results } = JSON.parse(text) as { results: { degraded?: string[]; decision?: string }[] };
              for (const r of results) {
                answers++;
                if (r.degraded && r.degraded.length > 0) degraded++;
                count(r.decision);
              }
            }
          },
        },
      ],
    },
    Math.max(connections, Math.floor(MAX_REQUESTS / (mode === "single" ? 1 : BATCH))),
    (ms) => latencies.push(ms),
  );
  const elapsed = (performance.now() - started) / 1000;
  const requests = result.requests.total;
  const cpu = { redisServer: NaN, ...Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, (cpuMs(pid) - before[k]!) / Math.max(1, requests)])) } as Step["cpu"];
  latencies.sort((a, b) => a - b);
  await new Promise((r) => setTimeout(r, 500)); // the step's own post-response writes
  const statsAfter = await restStats(server);
  const redisPerTx = Object.fromEntries(Object.entries(statsAfter.byPath).map(([path, n]) => [path, (n - (statsBefore.byPath[path] ?? 0)) / Math.max(1, answers)]));
  for (const d of Object.keys(decisions)) decisions[d] = decisions[d]! / Math.max(1, answers);
  for (const r of refusals) console.log(`           non-2xx: ${r}`);
  return {
    redisPerTx,
    decisions,
    mode,
    connections,
    requests,
    reqPerS: requests / elapsed,
    txPerS: answers / elapsed,
    p50: quantile(latencies, 0.5),
    p95: quantile(latencies, 0.95),
    p99: quantile(latencies, 0.99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    degraded: answers > 0 ? degraded / answers : 0,
    answers,
    cpu,
  };
}

/** The local Upstash REST endpoint's request counts (it keeps them per path). */
async function restStats(server: Server): Promise<{ byPath: Record<string, number> }> {
  if (!server.state.env.UPSTASH_REDIS_REST_URL) return { byPath: {} };
  return (await fetch(`${server.state.env.UPSTASH_REDIS_REST_URL}/__stats`)).json() as Promise<{ byPath: Record<string, number> }>;
}

/** Answers stored under their idempotency keys (`idem:v2:…:tx:txn_load_<run>_…` holding JSON, not `pending:`). */
async function storedAnswers(server: Server): Promise<{ stored: number; pending: number }> {
  const redis = new IORedis(server.state.redisUrl!);
  let stored = 0;
  let pending = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `idem:v2:*:tx:txn_load_${RUN}_*`, "COUNT", 5000);
    cursor = next;
    if (keys.length > 0) {
      const vals = await redis.mget(...keys);
      for (const v of vals) v?.startsWith("pending:") ? pending++ : stored++;
    }
  } while (cursor !== "0");
  await redis.quit();
  return { stored, pending };
}

async function soak(server: Server, seconds: number): Promise<void> {
  console.log(`\nsoak: c = 10 single scores for ${seconds} s; workerd RSS every 10 s`);
  const samples: number[] = [rssMiB(server.state.workerdPid)];
  const running = fire({
    url: server.state.url,
    connections: 10,
    duration: seconds,
    requests: [{ method: "POST", path: "/v1/score", headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` }, setupRequest: (req) => ({ ...req, body: JSON.stringify(tx()) }) }],
  }, MAX_REQUESTS * 10);
  const timer = setInterval(() => {
    samples.push(rssMiB(server.state.workerdPid));
    console.log(`  ${samples.length * 10 - 10} s: RSS ${fmt(samples.at(-1)!)} MiB`);
  }, 10_000);
  const result = await running;
  clearInterval(timer);
  samples.push(rssMiB(server.state.workerdPid));
  const after = samples.slice(1);
  console.log(
    `soak: ${result.requests.total} requests (${fmt(result.requests.average)} req/s), non-2xx ${result.non2xx}; workerd RSS at start ${fmt(samples[0]!)} MiB, ` +
      `over the soak min ${fmt(Math.min(...after))} / max ${fmt(Math.max(...after))} MiB, at the end ${fmt(samples.at(-1)!)} MiB`,
  );
}

async function main(): Promise<void> {
  const server = await startServer();
  try {
    if (POLICY_RULES > 0 || POLICY_ENTRIES > 0) await seedPolicy(server.state.url, KEY, POLICY_RULES, POLICY_ENTRIES);
    // Warm-up: ORT's initialisation, the scripts' first load, V8's optimisation of the hot path.
    console.log("bench:load: warming up (5 s at c = 4) …");
    await step(server, "single", 4, 5);
    const steps: Step[] = [];
    for (const mode of MODES) {
      for (const c of CONNECTIONS) {
        const s = await step(server, mode, c, DURATION_S);
        steps.push(s);
        console.log(
          `${mode === "single" ? "score     " : `batch ${BATCH}`} c=${String(c).padEnd(3)} ${fmt(s.reqPerS).padStart(7)} req/s (${fmt(s.txPerS)} tx/s) · p50 ${fmt(s.p50)} p95 ${fmt(s.p95)} p99 ${fmt(s.p99)} ms · ` +
            `non-2xx ${s.non2xx}, errors ${s.errors}, degraded ${(s.degraded * 100).toFixed(2)} % · CPU ms/req: workerd ${fmt(s.cpu.workerd)}, REST endpoints ${fmt(s.cpu.restEndpoints)}, ` +
            `redis-server ${fmt(s.cpu.redisServer)}, load generator ${fmt(s.cpu.loadGenerator)}`,
        );
        const share = (r: Record<string, number>, digits: number) => Object.entries(r).sort().map(([k, v]) => `${k} ${v.toFixed(digits)}`).join(", ");
        console.log(`           decisions: ${share(Object.fromEntries(Object.entries(s.decisions).map(([k, v]) => [k, v * 100])), 1)} % · Redis REST requests per transaction: ${share(s.redisPerTx, 3)}`);
      }
    }
    await new Promise((r) => setTimeout(r, 2_000)); // the last answers' post-response writes
    if (!values.memory) {
      const { stored, pending } = await storedAnswers(server);
      const answered = steps.reduce((n, s) => n + s.answers, 0);
      console.log(`\nstored answers: ${stored} of the ${answered} answered in the measured steps (+ warm-up), ${pending} still pending`);
    }
    console.log("\n| step | c | req/s | tx/s | p50 ms | p95 ms | p99 ms | non-2xx | degraded | CPU ms/req workerd | REST endpoints | redis-server |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const s of steps) {
      console.log(
        `| ${s.mode === "single" ? "score" : `batch of ${BATCH}`} | ${s.connections} | ${fmt(s.reqPerS)} | ${fmt(s.txPerS)} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.p99)} | ${s.non2xx} | ${(s.degraded * 100).toFixed(2)} % | ${fmt(s.cpu.workerd)} | ${fmt(s.cpu.restEndpoints)} | ${fmt(s.cpu.redisServer)} |`,
      );
    }
    if (SOAK_S > 0) await soak(server, SOAK_S);
  } finally {
    await server.stop();
  }
}

runMain(main, (e) => `bench:load: ${e instanceof Error ? e.message : String(e)}`);
