/**
 * Where the Worker's CPU goes under load: `npm start` with workerd's inspector open, a V8 CPU profile taken over
 * the inspector (Chrome DevTools Protocol) while autocannon sends single scores, then the self time summed by
 * function and by source (our src/ files, hono, zod, @upstash/redis, onnxruntime-web …). The profile is saved as
 * dist/profile/score.cpuprofile (open it in Chrome DevTools → Performance, or VS Code).
 *
 *   npx tsx scripts/bench/profile.ts [--seconds 10] [--connections 10] [--top 30] [--no-build] [--batch 0]
 *                                    [--traffic generated|profiles]   (scripts/bench/traffic.ts)
 *                                    [--memory]   the Worker's memory backends: no Redis round trips at all
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { TraceMap, originalPositionFor } from "@jridgewell/trace-mapping";
import autocannon from "autocannon";
import WebSocket from "ws";
import { runMain } from "../cli";
import { freeLoopbackPort } from "../local/free-port";
import { BENCH_KEY, BENCH_MERCHANT_ID } from "../seed-demo";
import { startServed } from "./served";
import { traffic } from "./traffic";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "10" },
    top: { type: "string", default: "30" },
    batch: { type: "string", default: "0" },
    traffic: { type: "string", default: "generated" },
    memory: { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
  },
});
const ROOT = new URL("../..", import.meta.url).pathname;
const KEY = BENCH_KEY.key;
const MERCHANT = BENCH_MERCHANT_ID;
const BATCH = Number(values.batch);
const tx = traffic(values.traffic === "profiles" ? "profiles" : "generated", { merchant: MERCHANT, run: Date.now().toString(36) });

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One CDP session over the inspector's WebSocket. */
async function inspector(address: string) {
  const targets = (await (await fetch(`http://${address}/json/list`)).json()) as { webSocketDebuggerUrl: string; title?: string }[];
  if (targets.length === 0) throw new Error("workerd's inspector lists no isolate yet");
  const ws = new WebSocket(targets[0]!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  let id = 0;
  const pending = new Map<number, (r: unknown) => void>();
  ws.on("message", (data) => {
    const msg = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.error ? Promise.reject(new Error(JSON.stringify(msg.error))) : msg.result);
  });
  return {
    send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      const n = ++id;
      ws.send(JSON.stringify({ id: n, method, params }));
      return new Promise<T>((resolve) => pending.set(n, resolve as (r: unknown) => void));
    },
    close: () => ws.close(),
  };
}

/** Which library or file a frame belongs to. */
function sourceOf(url: string, name: string): string {
  if (!url) return name === "(garbage collector)" || name === "(program)" || name === "(idle)" ? name : "(native / V8)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  const src = /(src\/[^?#]+)/.exec(url);
  return src ? src[1]! : url.replace(/^.*\//, "");
}

/** The bundle's frames traced back to their sources through wrangler's source map (dist/worker/index.js.map). */
function original(frame: CallFrame, map: TraceMap | undefined): { source: string; line: number } {
  if (map && frame.url.endsWith("index.js")) {
    const pos = originalPositionFor(map, { line: frame.lineNumber + 1, column: frame.columnNumber });
    if (pos.source) return { source: pos.source, line: pos.line ?? 0 };
  }
  return { source: frame.url, line: frame.lineNumber + 1 };
}

function summarise(profile: Profile, top: number, map: TraceMap | undefined): void {
  const self = new Map<number, number>();
  profile.samples.forEach((node, i) => self.set(node, (self.get(node) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const byFunction = new Map<string, number>();
  const bySource = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const us = self.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName } = node.callFrame;
    const { source: url, line } = original(node.callFrame, map);
    if (functionName === "(idle)") {
      idle += us;
      continue;
    }
    total += us;
    const source = sourceOf(url, functionName);
    const fn = `${functionName || "(anonymous)"} ${url.includes("node_modules") || url.includes("src/") ? url.replace(/^.*?(node_modules\/|src\/)/, "$1") : source}:${line}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    bySource.set(source, (bySource.get(source) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)} %`;
  console.log(`\nbusy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms of ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms profiled`);
  console.log("\nself time by source:");
  for (const [s, us] of [...bySource].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${s}`);
  console.log("\nself time by function:");
  for (const [f, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`  ${pct(us)}  ${f}`);
}

async function main(): Promise<void> {
  const inspectorAddress = `127.0.0.1:${await freeLoopbackPort()}`;
  const server = await startServed({ build: !values["no-build"], memory: values.memory, env: { WORKERD_INSPECTOR: inspectorAddress } });
  try {
    const state = await server.ready();
    const fire = (seconds: number) =>
      new Promise<autocannon.Result>((resolve, reject) =>
        autocannon(
          {
            url: state.url,
            connections: Number(values.connections),
            duration: seconds,
            requests: [
              {
                method: "POST",
                path: BATCH > 0 ? "/v1/score/batch" : "/v1/score",
                headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
                setupRequest: (req) => ({ ...req, body: JSON.stringify(BATCH > 0 ? { transactions: Array.from({ length: BATCH }, tx) } : tx()) }),
              },
            ],
          },
          (err, res) => (err ? reject(err) : resolve(res)),
        ),
      );
    console.log("profile: warming up (5 s)");
    await fire(5);
    const cdp = await inspector(inspectorAddress);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 100 });
    await cdp.send("Profiler.start");
    console.log(`profile: sampling for ${values.seconds} s at c = ${values.connections}${BATCH > 0 ? `, batches of ${BATCH}` : ""}`);
    const result = await fire(Number(values.seconds));
    const { profile } = await cdp.send<{ profile: Profile }>("Profiler.stop");
    cdp.close();
    const out = join(ROOT, "dist/profile");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, BATCH > 0 ? "batch.cpuprofile" : "score.cpuprofile"), JSON.stringify(profile));
    console.log(`profile: ${result.requests.total} requests (${result.requests.average} req/s), non-2xx ${result.non2xx}; saved dist/profile/${BATCH > 0 ? "batch" : "score"}.cpuprofile`);
    const mapFile = join(ROOT, "dist/worker/index.js.map");
    summarise(profile, Number(values.top), existsSync(mapFile) ? new TraceMap(readFileSync(mapFile, "utf8")) : undefined);
  } finally {
    await server.stop();
  }
}

runMain(main, (e) => `profile: ${e instanceof Error ? e.message : String(e)}`);
