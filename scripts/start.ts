/**
 * `npm start`: the built Worker served by workerd itself — the open-source Workers runtime, one process, no
 * wrangler dev proxy or CLI in the request path — on http://127.0.0.1:8787 with the same local stack and demo keys
 * as `npm run dev`. It is how the benchmarks measure the scorer (docs/benchmarks.md) and the self-hosting path
 * (docs/deploy.md); `npm run dev` stays the edit loop.
 *
 *   npm start                         build (wrangler deploy --dry-run), start the backends, serve
 *   npm start -- --no-build           serve the last build in dist/worker
 *   npm start -- --memory             the Worker's memory backends even where redis-server is installed
 *   npm start -- --bench              also seed the benchmarks' key (scripts/seed-demo.ts BENCH_KEY); no metrics
 *                                     exporter and no forwarding of decision points (the scorer measured alone)
 *   PORT=8795 npm start               another port
 *   WORKERD_INSPECTOR=127.0.0.1:9229  also open workerd's inspector (CPU profiles: scripts/bench/profile.ts)
 *
 * While it runs, dist/workerd/running-<port>.json (mode 0600) says what runs where — the processes, the backends'
 * addresses — for the benchmarks (scripts/bench/load.ts) and other tools.
 *
 * Steps: 1. bundle with wrangler exactly as `wrangler deploy` would (dist/worker); 2. start the backends
 * (scripts/local/dev-backends.ts); 3. write dist/workerd/config.capnp (scripts/local/workerd-config.ts: the
 * bundle's modules, wrangler.toml's compatibility settings and vars, the backends' addresses); 4. run workerd.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";
import { isMain, runMain } from "./cli";
import { startDevBackends } from "./local/dev-backends";
import { spawnGuarded } from "./local/guarded-spawn";
import { ANALYTICS_ENGINE_MODULE, workerdConfig, type WorkerModule } from "./local/workerd-config";
import { startLocalExporter } from "./local/exporter-dev";
import { startStreamCron } from "./local/stream-cron";
import { BENCH_KEY, DEMO_MERCHANT_ID, DEMO_PUBLISHABLE_KEY, DEMO_SECRET_KEY, DEV_ADMIN_TOKEN, DEV_METRICS_TOKEN } from "./seed-demo";

const ROOT = new URL("..", import.meta.url).pathname;
const BUILD = join(ROOT, "dist/worker");
const CONFIG_DIR = join(ROOT, "dist/workerd");
const require = createRequire(import.meta.url);

/** dist/workerd/running-<port>.json */
export interface RunningServer {
  url: string;
  /** This process: it also serves the local Redis and Kafka REST endpoints. */
  pid: number;
  workerdPid: number;
  backends: "redis-server" | "memory";
  redisUrl?: string;
  /** The Worker's backend variables (Redis REST URL and token …). */
  env: Record<string, string>;
  /** The local metrics exporter (its `/__scheduled` runs it now), when it runs. */
  exporterUrl?: string;
}

export const runningFile = (port: number) => join(CONFIG_DIR, `running-${port}.json`);

interface WranglerConfig {
  compatibility_date?: string;
  compatibility_flags?: string[];
  vars: Record<string, unknown>;
  rules: { type: string; globs: string[] }[];
  analytics_engine_datasets: { binding: string; dataset?: string }[];
}

export async function readWranglerConfig(): Promise<WranglerConfig> {
  const { unstable_readConfig } = (await import("wrangler")) as unknown as { unstable_readConfig: (args: { config: string }) => WranglerConfig };
  return unstable_readConfig({ config: join(ROOT, "wrangler.toml") });
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "ignore", "inherit"] });
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${args.slice(0, 3).join(" ")} exited with ${code}`))));
  });
}

/** The bundle as `wrangler deploy` would upload it. */
export async function build(): Promise<void> {
  const started = Date.now();
  console.log("start: building the Worker (wrangler deploy --dry-run --outdir dist/worker) …");
  rmSync(BUILD, { recursive: true, force: true });
  await run(process.execPath, [require.resolve("wrangler/bin/wrangler.js"), "deploy", "--dry-run", "--env=", "--outdir", BUILD, "--config", join(ROOT, "wrangler.toml")]);
  console.log(`start: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const KIND_OF_RULE: Record<string, WorkerModule["kind"]> = { CompiledWasm: "wasm", Data: "data", Text: "text", ESModule: "esModule" };
/** wrangler's own default rules, after the config's. */
const DEFAULT_RULES = [
  { type: "CompiledWasm", globs: ["**/*.wasm"] },
  { type: "Text", globs: ["**/*.txt", "**/*.html", "**/*.sql"] },
  { type: "Data", globs: ["**/*.bin"] },
];

/** The bundle's modules: its entry and every file it imports, typed by the rule whose extension matches. */
function bundleModules(config: WranglerConfig): WorkerModule[] {
  const rules = [...config.rules, ...DEFAULT_RULES];
  const modules: WorkerModule[] = [];
  for (const name of readdirSync(BUILD).sort()) {
    if (name.endsWith(".map") || name === "README.md") continue;
    const path = relative(CONFIG_DIR, join(BUILD, name));
    if (name === "index.js") {
      modules.unshift({ name, kind: "esModule", path });
      continue;
    }
    // `**/*.ext` matches by extension, `**/name.ext` by the file's name (the bundle prefixes a content hash).
    const matches = (g: string) => g.startsWith("**/") && (g.startsWith("**/*.") ? name.endsWith(g.slice(4)) : name.endsWith(g.slice(3)));
    const rule = rules.find((r) => r.globs.some(matches));
    const kind = rule && KIND_OF_RULE[rule.type];
    if (!kind) throw new Error(`start: no module rule for ${name} in the bundle (wrangler.toml [[rules]])`);
    modules.push({ name, kind, path });
  }
  if (modules[0]?.name !== "index.js") throw new Error("start: dist/worker/index.js missing: build first (npm start without --no-build)");
  return modules;
}

/**
 * The built Worker (dist/worker) served by workerd on 127.0.0.1:`port`, with wrangler.toml's vars and `text` on
 * top. Guarded: workerd goes down with this process however it ends (a killed benchmark leaves no server behind).
 * The tests use it too, to kill and restart the scorer under the same backends (test/e2e/stream.test.ts).
 */
export async function serveOnWorkerd(
  config: WranglerConfig,
  opts: { port: number; text: Record<string, string>; configName?: string; stdio?: "inherit" | "ignore"; inspector?: string },
) {
  const modules = bundleModules(config);
  mkdirSync(CONFIG_DIR, { recursive: true });
  const vars = Object.fromEntries(Object.entries(config.vars).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  writeFileSync(join(CONFIG_DIR, "analytics-engine.js"), ANALYTICS_ENGINE_MODULE);
  const configPath = join(CONFIG_DIR, opts.configName ?? "config.capnp");
  writeFileSync(
    configPath,
    workerdConfig({
      address: `127.0.0.1:${opts.port}`,
      modules,
      compatibilityDate: config.compatibility_date ?? "2026-04-20",
      compatibilityFlags: config.compatibility_flags ?? [],
      text: { ...vars, ...opts.text },
      analyticsEngine: Object.fromEntries(config.analytics_engine_datasets.map((d) => [d.binding, d.dataset ?? d.binding])),
      analyticsEngineModule: "analytics-engine.js",
    }),
    { mode: 0o600 },
  );
  chmodSync(configPath, 0o600);
  return spawnGuarded(require("workerd").default as string, ["serve", configPath, ...(opts.inspector ? [`--inspector-addr=${opts.inspector}`] : [])], {
    signal: "TERM",
    stdout: opts.stdio ?? "inherit",
    stderr: opts.stdio ?? "inherit",
    cwd: CONFIG_DIR,
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { "no-build": { type: "boolean", default: false }, memory: { type: "boolean", default: false }, bench: { type: "boolean", default: false } } });
  const port = Number(process.env.PORT ?? 8787);
  const config = await readWranglerConfig();
  if (!values["no-build"] || !existsSync(join(BUILD, "index.js"))) await build();
  // The benchmarks measure the scorer alone: no forwarding of decision points, no exporter beside it.
  const backends = await startDevBackends("start", { reloads: false, memory: values.memory, keys: values.bench ? [BENCH_KEY] : [], analytics: !values.bench });
  console.log(`start: demo merchant ${DEMO_MERCHANT_ID}: secret key ${DEMO_SECRET_KEY}, publishable key ${DEMO_PUBLISHABLE_KEY} (see README)`);
  if (!values.bench) console.log(`start: dashboard http://127.0.0.1:${port}/dashboard and GET /metrics: METRICS_TOKEN ${DEV_METRICS_TOKEN}; review queue http://127.0.0.1:${port}/review`);

  const inspector = process.env.WORKERD_INSPECTOR;
  const workerd = await serveOnWorkerd(config, { port, text: { ...backends.env, ADMIN_TOKEN: DEV_ADMIN_TOKEN, METRICS_TOKEN: DEV_METRICS_TOKEN }, stdio: "inherit", ...(inspector && { inspector }) });
  const workerdPid = await workerd.pid;
  const running = runningFile(port);
  // Written as soon as workerd serves (the tools wait for it), and again with the exporter's address once that is up.
  const state: RunningServer = { url: `http://127.0.0.1:${port}`, pid: process.pid, workerdPid, backends: backends.kind, redisUrl: backends.redisUrl, env: backends.env };
  writeFileSync(running, JSON.stringify(state, null, 2), { mode: 0o600 });
  console.log(`start: workerd (pid ${workerdPid}) serving http://127.0.0.1:${port}${inspector ? `, inspector ${inspector}` : ""}; Ctrl-C stops it and the backends`);
  let stopping = false;
  const stop = () => {
    stopping = true;
    void workerd.stop();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const exited = new Promise<number>((resolve) => workerd.child.on("exit", (c) => resolve(c ?? 1)));
  const exporter = values.bench
    ? undefined
    : await startLocalExporter("start", backends).catch((e: unknown) => {
        console.error(`start: the metrics exporter did not start (${e instanceof Error ? e.message : String(e)}); the scorer runs without it`);
        return undefined;
      });
  if (exporter) writeFileSync(running, JSON.stringify({ ...state, exporterUrl: exporter.url } satisfies RunningServer, null, 2), { mode: 0o600 });
  // The scorer's own cron (a stream pass a minute), except for benchmarks, which measure the scorer alone.
  const streamCron = values.bench ? undefined : startStreamCron("start", state.url);
  if (streamCron) console.log("start: stream consumer on the local topic transactions, a pass every minute (npm run stream -- publish | consume | status)");
  const code = await exited;
  streamCron?.stop();
  rmSync(running, { force: true });
  await exporter?.stop();
  await backends.stop();
  if (!stopping) console.error(`start: workerd exited (${code})`);
  process.exit(stopping ? 0 : code || 1);
}

if (isMain(import.meta.url)) runMain(main, (e) => `start: ${e instanceof Error ? e.message : String(e)}`);
