import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { DevBackends } from "./dev-backends";
import { preferredLoopbackPort } from "./free-port";
import { spawnGuarded } from "./guarded-spawn";

/**
 * The scheduled metrics exporter beside a local scorer (`npm run dev`, `npm start`): its own `wrangler dev` on
 * EXPORTER_PORT, pointed at the same Redis and Kafka REST endpoints and at the local Analytics Engine SQL stand-in.
 * wrangler runs no cron locally, so this fires the exporter's `scheduled` handler every minute through the
 * `/__scheduled` route that `--test-scheduled` opens; `npm run metrics:refresh` fires it at once.
 *
 * On the memory backends it is not started: the scorer's snapshot then lives in the scorer's isolate, which another
 * Worker cannot write to.
 */
export const EXPORTER_PORT = 8790;
const ROOT = new URL("../..", import.meta.url).pathname;
const WRANGLER = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");
const PERIOD_MS = 60_000;

export interface LocalExporter {
  url: string;
  /** Runs the exporter once now (what the cron would), resolving when it has answered. */
  trigger(): Promise<boolean>;
  stop(): Promise<void>;
}

export const scheduledUrl = (origin: string) => `${origin}/__scheduled?cron=${encodeURIComponent("* * * * *")}`;

/** On EXPORTER_PORT (or the `EXPORTER_PORT` variable) if free, else on a free port (another session holds it). */
export async function startLocalExporter(tool: string, backends: DevBackends): Promise<LocalExporter | undefined> {
  if (backends.kind === "memory" || !backends.ae) {
    console.warn(`${tool}: the metrics exporter is not started on the memory backends (its snapshot could not reach the scorer's isolate): /metrics and /v1/stats stay empty — install redis-server for the full local view`);
    return undefined;
  }
  const wanted = Number(process.env.EXPORTER_PORT ?? EXPORTER_PORT);
  const port = await preferredLoopbackPort(wanted);
  if (port !== wanted) console.warn(`${tool}: port ${wanted} taken; the metrics exporter uses ${port} (npm run metrics:refresh -- --exporter http://127.0.0.1:${port})`);
  mkdirSync(join(ROOT, ".wrangler"), { recursive: true });
  const envFile = join(ROOT, `.wrangler/dev-exporter-${port}.env`);
  const vars: Record<string, string> = {
    ...Object.fromEntries(Object.entries(backends.env).filter(([k]) => k.startsWith("UPSTASH_"))),
    AE_SQL_URL: backends.ae.url,
    CF_API_TOKEN: backends.ae.token,
  };
  writeFileSync(envFile, Object.entries(vars).map(([k, v]) => `${k}='${v}'`).join("\n") + "\n", { mode: 0o600 });
  // Guarded: it goes down with this process however that ends (a crash, a kill), never left holding its port.
  const guarded = spawnGuarded(
    process.execPath,
    [WRANGLER, "dev", "--config", join(ROOT, "workers/metrics-exporter/wrangler.toml"), "--ip", "127.0.0.1", "--port", String(port), "--env-file", envFile, "--test-scheduled", "--show-interactive-dev-session=false", "--inspector-port", "0"],
    { signal: "TERM", cwd: ROOT },
  );
  const child = guarded.child;
  // Its lines, prefixed; the per-run report only when something went wrong (every minute is noise otherwise).
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) {
      if (line.trim() === "" || (line.includes("exporter: {") && !line.includes("failed"))) continue;
      if (/GET \/__scheduled|Unable to fetch the `Request.cf`|getaddrinfo|GetAddrInfoReqWrap|callbackTrampoline/.test(line)) continue;
      console.log(`exporter | ${line}`);
    }
  };
  child.stdout!.on("data", relay);
  child.stderr!.on("data", relay);
  const url = `http://127.0.0.1:${port}`;
  const trigger = async () => {
    try {
      const res = await fetch(scheduledUrl(url), { signal: AbortSignal.timeout(50_000) });
      await res.body?.cancel();
      return res.ok;
    } catch {
      return false;
    }
  };
  // Up once it answers anything: its first run may fail (the answer is then a 500), which the next minute retries.
  const deadline = Date.now() + 90_000;
  while (!(await fetch(url, { signal: AbortSignal.timeout(5_000) }).then(() => true, () => false))) {
    if (child.exitCode !== null) throw new Error(`${tool}: the metrics exporter's wrangler dev exited (${child.exitCode})`);
    if (Date.now() > deadline) {
      await guarded.stop();
      throw new Error(`${tool}: the metrics exporter did not answer on ${url} within 90 s`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  if (!(await trigger())) console.warn(`${tool}: the metrics exporter's first run failed (see its lines above); it runs again every minute`);
  const timer = setInterval(() => void trigger(), PERIOD_MS);
  console.log(`${tool}: metrics exporter on ${url}, run every minute (npm run metrics:refresh runs it now)`);
  return {
    url,
    trigger,
    stop: async () => {
      clearInterval(timer);
      await Promise.race([guarded.stop(), new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}
