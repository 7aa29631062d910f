/**
 * `npm run dev`: the scorer on http://127.0.0.1:8787 with everything it needs, then `wrangler dev` pointed at it.
 * - With Debian's redis-server on PATH: the local stack (redis-server behind an Upstash-REST endpoint, a Kafka
 *   REST endpoint keeping topics in the same Redis), the demo merchant's API keys stored in it.
 * - Beside it: the local Analytics Engine SQL stand-in, which the Worker's decision points are forwarded to, and the
 *   metrics exporter Worker (its own wrangler dev, run every minute: scripts/local/exporter-dev.ts), so the dashboard
 *   (/dashboard), /metrics and /v1/stats show local traffic.
 * - Without it: the Worker runs on its memory backends (BACKENDS=memory: behaviour, API keys, rate limits and the
 *   alert spill in its isolate), seeded with the demo keys, and only the Kafka REST endpoint is started (in
 *   memory). The README's requests answer the same; what differs is printed.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { startDevBackends } from "./local/dev-backends";
import { startLocalExporter } from "./local/exporter-dev";
import { startStreamCron } from "./local/stream-cron";
import { DEMO_MERCHANT_ID, DEMO_PUBLISHABLE_KEY, DEMO_SECRET_KEY, DEV_ADMIN_TOKEN, DEV_METRICS_TOKEN } from "./seed-demo";

const PORT = Number(process.env.PORT ?? 8787);
const WRANGLER = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");

async function main(): Promise<void> {
  const local = await startDevBackends("dev", { reloads: true, analytics: true });
  console.log(`dev: demo merchant ${DEMO_MERCHANT_ID}: secret key ${DEMO_SECRET_KEY}, publishable key ${DEMO_PUBLISHABLE_KEY} (see README)`);
  console.log(`dev: model registry (npm run models): ADMIN_TOKEN ${DEV_ADMIN_TOKEN}`);
  console.log(`dev: dashboard http://127.0.0.1:${PORT}/dashboard and GET /metrics: METRICS_TOKEN ${DEV_METRICS_TOKEN}; review queue http://127.0.0.1:${PORT}/review`);

  // wrangler reads the addresses from an env file (one per port, so two dev servers do not share one), so no secret
  // lands on a command line or in git. Single quotes: dotenv takes the JSON of SEED_API_KEYS literally.
  mkdirSync(".wrangler", { recursive: true });
  const envFile = `.wrangler/dev-stack-${PORT}.env`;
  for (const [k, v] of Object.entries(local.env)) if (v.includes("'")) throw new Error(`dev: ${k} holds a single quote, which the env file cannot carry`);
  const vars = { ...local.env, ADMIN_TOKEN: DEV_ADMIN_TOKEN, METRICS_TOKEN: DEV_METRICS_TOKEN };
  writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}='${v}'`).join("\n") + "\n");

  // wrangler's own entry point, not `npx wrangler`: npm's wrapper would not pass our SIGINT on, leaving workerd behind.
  const wrangler = spawn(
    process.execPath,
    [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(PORT), "--env-file", envFile, "--test-scheduled", "--show-interactive-dev-session=false"],
    { stdio: "inherit" },
  );
  const stop = () => wrangler.kill("SIGINT");
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const exited = new Promise<number>((resolve) => wrangler.on("exit", (c) => resolve(c ?? 0)));
  // The exporter after the scorer: its first run then finds the scorer's keys and snapshot key in place.
  const exporter = await startLocalExporter("dev", local).catch((e: unknown) => {
    console.error(`dev: the metrics exporter did not start (${e instanceof Error ? e.message : String(e)}); the scorer runs without it`);
    return undefined;
  });
  // The scorer's own cron: a stream pass a minute over the local `transactions` topic (npm run stream).
  const streamCron = startStreamCron("dev", `http://127.0.0.1:${PORT}`);
  console.log("dev: stream consumer on the local topic transactions, a pass every minute (npm run stream -- publish | consume | status)");
  const code = await exited;
  streamCron.stop();
  await exporter?.stop();
  await local.stop();
  process.exit(code);
}

main().catch((e: unknown) => {
  console.error("dev:", e);
  process.exit(1);
});
