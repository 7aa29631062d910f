import type { PassReport } from "../../src/schemas/stream";
import { DEV_ADMIN_TOKEN } from "../seed-demo";

/**
 * Locally nothing fires the scoring Worker's cron (wrangler dev runs none; workerd has no scheduler), so `npm run
 * dev` and `npm start` stand in for it: once a minute they ask the scorer for one pass of the stream consumer
 * (POST /v1/admin/stream/pass, what the cron runs — docs/streams.md) and print a line when it handled records.
 * `npm run stream -- consume` runs passes back to back instead.
 */
export const STREAM_CRON_MS = 60_000;

export function startStreamCron(tool: string, origin: string, periodMs = STREAM_CRON_MS): { stop(): void } {
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const res = await fetch(`${origin}/v1/admin/stream/pass?budget_ms=45000`, { method: "POST", headers: { authorization: `Bearer ${DEV_ADMIN_TOKEN}` }, signal: AbortSignal.timeout(120_000) });
      if (!res.ok) {
        await res.body?.cancel();
        return;
      }
      const r = (await res.json()) as PassReport;
      if (r.records > 0 || r.error) {
        console.log(`${tool}: stream pass: ${r.records} records (${r.scored} scored, ${r.replayed} replayed, ${r.dead} dead) in ${r.ms} ms = ${r.per_second}/s; lag ${r.lag}${r.error ? `; ${r.error}` : ""}`);
      }
    } catch {
      // The scorer restarting (wrangler reloads it on edits): the next minute tries again.
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void pass(), periodMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
