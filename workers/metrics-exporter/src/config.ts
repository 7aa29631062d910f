import { z } from "zod";
import { AE_DATASET, ConfigSchema, IN_FLIGHT_MS, count, ms, optional } from "../../../src/shared";

/**
 * The exporter's configuration: the scoring Worker's (same Redis, same alert sink settings — it replays the
 * scorer's spill) plus access to the Analytics Engine SQL API.
 */
export const ExporterConfigSchema = ConfigSchema.extend({
  /** Cloudflare account whose AE dataset is queried; the SQL API URL is built from it. */
  CF_ACCOUNT_ID: optional(z.string()),
  /** API token with Account Analytics: Read (a secret). */
  CF_API_TOKEN: optional(z.string()),
  /** The SQL API URL itself, overriding the one built from CF_ACCOUNT_ID (the local stand-in, tests). */
  AE_SQL_URL: optional(z.url()),
  AE_DATASET: z.string().regex(/^[A-Za-z0-9_]+$/).default(AE_DATASET),
  /** Request rate, decision and error rates and latency are computed over this many minutes. */
  TRAFFIC_WINDOW_MINUTES: ms(5),
  /** Score distribution and PSI need more samples: a longer window. */
  DRIFT_WINDOW_MINUTES: ms(60),
  /** The busiest merchants get their own stats; the rest count only in the global figures. */
  MAX_MERCHANTS: count(500),
  /** Time the spill replay may take per run (the cron fires every minute). */
  REPLAY_BUDGET_MS: ms(20_000),
  REPLAY_BATCH: count(100),
  /** Journal entries older than this belong to deliveries that died with their isolate; they are replayed. */
  REPLAY_RECLAIM_AFTER_MS: z.coerce.number().int().nonnegative().default(IN_FLIGHT_MS),
});
export type ExporterConfig = z.infer<typeof ExporterConfigSchema>;
export type ExporterBindings = Partial<Record<keyof z.input<typeof ExporterConfigSchema>, string>>;

export function aeSqlUrl(config: ExporterConfig): string | undefined {
  if (config.AE_SQL_URL) return config.AE_SQL_URL;
  if (!config.CF_ACCOUNT_ID) return undefined;
  return `https://api.cloudflare.com/client/v4/accounts/${encodeURIComponent(config.CF_ACCOUNT_ID)}/analytics_engine/sql`;
}
