/**
 * `npm run metrics:refresh`: runs the local metrics exporter now (what its cron does every minute under `npm run dev`
 * or `npm start`), then prints the headline of the fresh snapshot.
 *
 *   npm run metrics:refresh [-- --exporter http://127.0.0.1:8790] [--scorer http://127.0.0.1:8787]
 */
import { parseArgs } from "node:util";
import { isMain, runMain } from "./cli";
import { EXPORTER_PORT, scheduledUrl } from "./local/exporter-dev";
import { DEMO_SECRET_KEY } from "./seed-demo";

export async function refreshMetrics(exporter: string, scorer: string): Promise<string> {
  const started = Date.now();
  const res = await fetch(scheduledUrl(exporter), { signal: AbortSignal.timeout(60_000) });
  await res.body?.cancel();
  if (!res.ok) throw new Error(`the exporter at ${exporter} answered ${res.status}`);
  const stats = await fetch(`${scorer}/v1/stats`, { headers: { authorization: `Bearer ${process.env.SCORER_API_KEY ?? DEMO_SECRET_KEY}` } });
  if (stats.status !== 200) return `exporter ran in ${Date.now() - started} ms; /v1/stats answered ${stats.status}`;
  const body = (await stats.json()) as { generated_at: string; merchant: string; stats: { requests: number; request_rate_per_s: number } };
  return `exporter ran in ${Date.now() - started} ms; snapshot of ${body.generated_at}: ${body.merchant} had ${body.stats.requests} requests in the traffic window (${body.stats.request_rate_per_s}/s)`;
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { exporter: { type: "string", default: `http://127.0.0.1:${process.env.EXPORTER_PORT ?? EXPORTER_PORT}` }, scorer: { type: "string", default: "http://127.0.0.1:8787" } } });
  runMain(async () => console.log(`metrics:refresh: ${await refreshMetrics(values.exporter, values.scorer)}`));
}
