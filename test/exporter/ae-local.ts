import { inject } from "vitest";
import type { AnalyticsEngineDataPointLike } from "./points";

/** The local AE SQL API stand-in's control routes (scripts/local/ae-sql.ts), reached from inside workerd. */
export async function resetAe(): Promise<void> {
  await control("/__reset", []);
}

/** Stores points as the binding would have; `at` is each point's time (ms). */
export async function storePoints(points: { point: AnalyticsEngineDataPointLike; at: number; sampleInterval?: number }[]): Promise<void> {
  await control(
    "/__points",
    points.map((p) => ({ ...p.point, timestamp: p.at, sample_interval: p.sampleInterval ?? 1 })),
  );
}

export async function setAeDown(down: boolean): Promise<void> {
  await control("/__fault", { down });
}

async function control(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${inject("aeSqlOrigin")}${path}`, { method: "POST", body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  await res.body?.cancel();
}
