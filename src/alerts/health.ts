import { NotConfiguredError } from "../errors/not-configured";
import type { DependencyCheck } from "../schemas/health";
import { msSince } from "../utils/round";
import type { AlertRuntime } from "./runtime";

const PING_TIMEOUT_MS = 1_000;
/** A failed delivery this recent, with no success since, marks the sink down even if it answers a ping. */
const RECENT_FAILURE_MS = 5 * 60_000;

/**
 * The alert sink: reachable (a ping, which does not produce) and not failing lately. The ping alone can miss a
 * broker that answers but refuses records, hence this isolate's delivery history — which a replay elsewhere (the
 * exporter) can make stale: once the spill is empty again, what failed here has since been delivered.
 */
export async function kafkaCheck(alerts: AlertRuntime, now = Date.now()): Promise<DependencyCheck> {
  const { choice, stats } = alerts;
  if (choice.kind === "none") return { status: "not_configured", detail: choice.detail };
  if (choice.kind === "misconfigured") return { status: "down", detail: choice.detail };
  const where = `${choice.sink.kind} → ${choice.sink.topic}`;
  const failures = stats.spilled + stats.lost;
  const ping = await choice.sink.ping(PING_TIMEOUT_MS);
  const suppressed = stats.suppressed > 0 ? { suppressed: stats.suppressed } : {};
  if (ping.status !== "ok") return { status: "down", detail: `${where}: ${ping.detail}`, failures, ...suppressed };
  const failedLately = stats.lastFailureAt !== undefined && now - stats.lastFailureAt < RECENT_FAILURE_MS && (stats.lastSuccessAt ?? 0) < stats.lastFailureAt;
  if (failedLately && (await spillWaiting(alerts))) return { status: "down", latency_ms: ping.latency_ms, detail: `${where}: last delivery failed (${stats.lastError})`, failures, ...suppressed };
  return { status: "ok", latency_ms: ping.latency_ms, detail: where, failures, ...suppressed };
}

/** Whether alerts wait in the spill; unknown (no spill, or unreadable) counts as waiting. */
async function spillWaiting(alerts: AlertRuntime): Promise<boolean> {
  try {
    return (await alerts.spill.backlog()).count > 0;
  } catch {
    return true;
  }
}

/** The spill: readable, and how many alerts wait in it for the scheduled replay. */
export async function spillCheck(alerts: AlertRuntime, now = Date.now()): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    const b = await alerts.spill.backlog();
    return {
      status: "ok",
      latency_ms: msSince(started),
      backlog: b.count,
      ...(b.oldestAt !== null ? { oldest_age_s: Math.max(0, Math.round((now - b.oldestAt) / 1000)) } : {}),
    };
  } catch (e) {
    if (e instanceof NotConfiguredError) return { status: "not_configured", detail: "no Redis (UPSTASH_REDIS_REST_URL): alerts the sink refuses cannot be kept" };
    return { status: "down", detail: e instanceof Error ? e.message : String(e) };
  }
}
