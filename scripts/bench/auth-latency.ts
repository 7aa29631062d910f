/**
 * What API-key authentication and rate limiting add to a request, measured at the client against a local Worker
 * (wrangler, workerd; entry scripts/bench/auth-bench-worker.ts) and the local stack (redis-server behind the
 * Upstash REST endpoint). Each pair of routes differs only by the key + rate-limit middleware and is measured
 * interleaved, so other load on the machine hits both alike:
 * - scores: POST /bench/score-open (the real score handler, caller fixed) vs POST /v1/score with a secret key;
 * - an empty handler: GET /bench/open vs GET /bench/keyed — nothing for the rate-limit call to overlap with;
 * - the same with AUTH_KEY_CACHE_TTL_MS=1: the key read from Redis on every request (the worst case);
 * - one bare Redis REST round trip from Node, for scale.
 * Prints median / p90 / p99 in ms and the Redis requests a score makes. Locally Redis is a fraction of a
 * millisecond away and shares the CPU with everything else; `--rtt <ms>` puts a proxy in front of the REST endpoint
 * that delays every request by that much, like the distance from an edge location to the Upstash primary.
 *   npx tsx scripts/bench/auth-latency.ts [--n 2000] [--rtt 10]
 */
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { startLocalStack } from "../local/stack";
import { seedKeys } from "../seed-demo";
import { fmt, quantile, startWorker } from "./start-worker";

const { values } = parseArgs({ options: { n: { type: "string", default: "2000" }, rtt: { type: "string", default: "0" } } });
const N = Number(values.n);
const RTT = Number(values.rtt);
const KEY = "sk_test_bench_auth_latency_0000000000";
/** The bench Worker's fixed caller on /bench/score-open is this merchant too (auth-bench-worker.ts). */
const MERCHANT = "m_bench";

type W = Awaited<ReturnType<typeof startWorker>>;
type Q = { p50: number; p99: number };
/** What the timing needs of a response (Node's fetch and the Worker handle's fetch type theirs differently). */
type Answer = { status: number; text(): Promise<string> };

async function timed(send: () => Promise<Answer>): Promise<number> {
  const t = performance.now();
  const res = await send();
  const body = await res.text();
  if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${body.slice(0, 300)}`);
  return performance.now() - t;
}

function row(label: string, xs: number[]): Q {
  xs.sort((a, b) => a - b);
  console.log(`| ${label} | ${fmt(quantile(xs, 0.5))} | ${fmt(quantile(xs, 0.9))} | ${fmt(quantile(xs, 0.99))} |`);
  return { p50: quantile(xs, 0.5), p99: quantile(xs, 0.99) };
}

/** Two requests alternately, n times each, after a warm-up. */
async function pair(n: number, a: (i: number) => Promise<Answer>, b: (i: number) => Promise<Answer>) {
  for (let i = 0; i < 50; i++) {
    await timed(() => a(-2 * i - 1));
    await timed(() => b(-2 * i - 2));
  }
  const xa: number[] = [];
  const xb: number[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 100 === 0) process.stdout.write(`\r  ${i}/${n}`);
    xa.push(await timed(() => a(i)));
    xb.push(await timed(() => b(i)));
  }
  process.stdout.write("\r");
  return [xa, xb] as const;
}

const run = Date.now().toString(36);
const tx = (i: number, tag: string) => ({
  transaction_id: `txn_authbench_${run}_${tag}_${i}`,
  amount: 500 + ((Math.abs(i) * 7919) % 20_000),
  currency: "USD",
  card: { fingerprint: `fp_authbench_${tag}_${i % 200}` },
  device: { id: `dev_authbench_${tag}_${i % 150}` },
});
const post = (w: W, path: string, body: unknown, key?: string) =>
  w.fetch(`http://bench${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(key && { authorization: `Bearer ${key}` }) },
    body: JSON.stringify(body),
  });
/** A proxy to `target` that holds each request `ms` before forwarding it: a Redis that far away. */
async function delayed(target: string, ms: number): Promise<{ url: string; close(): void }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      setTimeout(async () => {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "host" && k !== "content-length")) as Record<string, string>;
        const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, ...(chunks.length > 0 && { body: Buffer.concat(chunks) }) });
        res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
        res.end(Buffer.from(await upstream.arrayBuffer()));
      }, ms);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => server.close() };
}

const get = (w: W, path: string) => w.fetch(`http://bench${path}`, { headers: { authorization: `Bearer ${KEY}` } });

async function main() {
  const stack = await startLocalStack();
  try {
    await seedKeys(stack.env, [{ key: KEY, spec: { kind: "secret", mode: "test", merchantId: MERCHANT, rateLimit: { requests: 1_000_000, window_s: 60 } } }]);
    const proxy = RTT > 0 ? await delayed(stack.env.UPSTASH_REDIS_REST_URL, RTT) : undefined;
    const vars = { ENVIRONMENT: "bench", ...stack.env, ...(proxy && { UPSTASH_REDIS_REST_URL: proxy.url }), REDIS_TIMEOUT_MS: "1000" };
    const entrypoint = "scripts/bench/auth-bench-worker.ts";

    console.log(`latency at the client, ms (n=${N} per row; local wrangler + redis-server${RTT > 0 ? `, ${RTT} ms added to every Redis request` : ""})`);
    console.log("| request | p50 | p90 | p99 |\n| --- | ---: | ---: | ---: |");
    const w = await startWorker({ entrypoint, vars });
    const [open, keyed] = await pair(
      N,
      (i) => post(w, "/bench/score-open", tx(i, "open")),
      (i) => post(w, "/v1/score", tx(i, "keyed"), KEY),
    );
    const scoreOpen = row("score, no key (real handler, caller fixed)", open);
    const scoreKeyed = row("score with a secret key (key cached; limit checked alongside the score)", keyed);

    stack.upstashRedis.resetStats();
    const m = 200;
    for (let i = 0; i < m; i++) await timed(() => post(w, "/v1/score", tx(i, "count"), KEY));
    await new Promise((r) => setTimeout(r, 300)); // post-response writes (waitUntil) land
    const perScore = stack.upstashRedis.stats();

    const [plainOpen, plainKeyed] = await pair(N, () => get(w, "/bench/open"), () => get(w, "/bench/keyed"));
    const emptyOpen = row("empty handler, no key", plainOpen);
    const emptyKeyed = row("empty handler with key + rate limit (key cached)", plainKeyed);
    await w.dispose();

    const cold = await startWorker({ entrypoint, vars: { ...vars, AUTH_KEY_CACHE_TTL_MS: "1" } });
    const [coldOpen, coldKeyed] = await pair(Math.floor(N / 2), () => get(cold, "/bench/open"), () => get(cold, "/bench/keyed"));
    const uncachedOpen = row("empty handler, no key (second Worker)", coldOpen);
    const uncached = row("empty handler with key + rate limit, key read from Redis every time", coldKeyed);
    await cold.dispose();

    proxy?.close();
    const pings: number[] = [];
    for (let i = 0; i < Math.min(N, 1000); i++) {
      pings.push(
        await timed(() =>
          fetch(stack.env.UPSTASH_REDIS_REST_URL, {
            method: "POST",
            headers: { authorization: `Bearer ${stack.env.UPSTASH_REDIS_REST_TOKEN}` },
            body: JSON.stringify(["PING"]),
          }),
        ),
      );
    }
    row("one Redis REST round trip from Node (PING), for scale", pings);

    const delta = (a: Q, b: Q) => `p50 ${fmt(b.p50 - a.p50)} ms, p99 ${fmt(b.p99 - a.p99)} ms`;
    console.log(`\nadded to a score by auth + rate limit (key cached):           ${delta(scoreOpen, scoreKeyed)}`);
    console.log(`added to an empty handler (nothing to overlap, key cached):   ${delta(emptyOpen, emptyKeyed)}`);
    console.log(`added to an empty handler, key read from Redis every request: ${delta(uncachedOpen, uncached)}`);
    const per = (path: string) => fmt((perScore.byPath[path] ?? 0) / m, 2);
    console.log(`Redis REST requests per keyed score: ${per("/")} on "/" (rate-limit + feature-store EVALSHA, concurrent), ${per("/pipeline")} on "/pipeline" (answer stored after the response)`);
  } finally {
    await stack.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
