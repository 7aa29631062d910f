import { z } from "zod";
import { ERROR_DECISION, KEY_FEATURES, LATENCY_EDGES_MS, binExpression, column, type ModelCard } from "../../../src/shared";
import type { AeSqlClient } from "./ae-sql-client";

/**
 * The exporter's SQL, in the documented Analytics Engine subset (SUM, if, IN, comparisons, INTERVAL). Every
 * count is `SUM(_sample_interval * weight)`: AE's sampling and our batch aggregation both undone. Histograms
 * (latency, score, features) are bucketed in SQL with fixed edges so a query returns at most bins × merchants
 * rows whatever the traffic; quantiles and PSI are computed from them here (quantile.ts, psi.ts).
 */
const COUNT = `SUM(_sample_interval * ${column("weight")})`;
const window = (minutes: number) => `timestamp > NOW() - INTERVAL '${minutes}' MINUTE`;
const scored = `${column("decision")} != '${ERROR_DECISION}'`;

/** A string literal: backslashes and quotes escaped, as the ClickHouse dialect reads them. */
export function sqlString(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

function inMerchants(merchants: readonly string[] | undefined): string {
  return merchants ? ` AND ${column("merchant")} IN (${merchants.map(sqlString).join(", ")})` : "";
}

export function topMerchantsQuery(dataset: string, minutes: number, limit: number): string {
  return `SELECT ${column("merchant")} AS merchant, ${COUNT} AS n FROM ${dataset} WHERE ${window(minutes)} GROUP BY merchant ORDER BY n DESC LIMIT ${limit}`;
}

/** Requests and amount per decision (decision `error`: failed requests); per merchant when `merchants` is given. */
export function trafficQuery(dataset: string, minutes: number, merchants?: readonly string[]): string {
  const by = merchants ? `${column("merchant")} AS merchant, ` : "";
  return (
    `SELECT ${by}${column("decision")} AS decision, ${COUNT} AS n, SUM(_sample_interval * ${column("amount_usd")}) AS amount_usd ` +
    `FROM ${dataset} WHERE ${window(minutes)}${inMerchants(merchants)} GROUP BY ${merchants ? "merchant, " : ""}decision`
  );
}

export function latencyQuery(dataset: string, minutes: number, merchants?: readonly string[]): string {
  const by = merchants ? `${column("merchant")} AS merchant, ` : "";
  return (
    `SELECT ${by}${binExpression(column("latency_ms"), LATENCY_EDGES_MS)} AS bin, ${COUNT} AS n ` +
    `FROM ${dataset} WHERE ${window(minutes)} AND ${scored}${inMerchants(merchants)} GROUP BY ${merchants ? "merchant, " : ""}bin`
  );
}

/** Score histogram in the card's bins, for the card's model version only (another version has another baseline). */
export function scoreQuery(dataset: string, minutes: number, card: ModelCard, merchants?: readonly string[]): string {
  const by = merchants ? `${column("merchant")} AS merchant, ` : "";
  return (
    `SELECT ${by}${binExpression(column("score"), card.baselines.score.edges)} AS bin, ${COUNT} AS n, ` +
    `SUM(_sample_interval * ${column("weight")} * ${column("score")}) AS score_sum ` +
    `FROM ${dataset} WHERE ${window(minutes)} AND ${scored} AND ${column("model_version")} = ${sqlString(card.version)}${inMerchants(merchants)} ` +
    `GROUP BY ${merchants ? "merchant, " : ""}bin`
  );
}

/** A key feature's histogram in the card's bins, over points that recorded it (single transactions). */
export function featureQuery(dataset: string, minutes: number, feature: string, edges: readonly number[]): string {
  return (
    `SELECT ${binExpression(column(feature as (typeof KEY_FEATURES)[number]), edges)} AS bin, SUM(_sample_interval) AS n ` +
    `FROM ${dataset} WHERE ${window(minutes)} AND ${column("features_recorded")} = 1 GROUP BY bin`
  );
}

/** Decisions per model version and role (the routing: live, challenger, pins, fallback). */
export function modelsQuery(dataset: string, minutes: number): string {
  return (
    `SELECT ${column("model_version")} AS version, ${column("model_role")} AS role, ${COUNT} AS n, ` +
    `SUM(_sample_interval * ${column("weight")} * ${column("score")}) AS score_sum ` +
    `FROM ${dataset} WHERE ${window(minutes)} AND ${scored} GROUP BY version, role`
  );
}

/** Per version in shadow slot `slot` (1 or 2): the rows it scored, its score sum and the deciding models' score sum. */
export function shadowQuery(dataset: string, minutes: number, slot: 1 | 2): string {
  const version = column(`shadow${slot}_version`);
  return (
    `SELECT ${version} AS version, ${COUNT} AS n, SUM(_sample_interval * ${column("weight")} * ${column(`shadow${slot}_score`)}) AS shadow_sum, ` +
    `SUM(_sample_interval * ${column("weight")} * ${column("score")}) AS score_sum ` +
    `FROM ${dataset} WHERE ${window(minutes)} AND ${scored} AND ${version} != '' GROUP BY version`
  );
}

const num = z.coerce.number();
export const MerchantRow = z.object({ merchant: z.string(), n: num });
export const TrafficRow = z.object({ decision: z.string(), n: num, amount_usd: num });
export const BinRow = z.object({ bin: z.coerce.number().int(), n: num });
export const ModelRow = z.object({ version: z.string(), role: z.string(), n: num, score_sum: num });
export const ShadowRow = z.object({ version: z.string(), n: num, shadow_sum: num, score_sum: num });
export const ScoreBinRow = BinRow.extend({ score_sum: num });
const withMerchant = <T extends z.ZodRawShape>(s: z.ZodObject<T>) => s.extend({ merchant: z.string() });
export const MerchantTrafficRow = withMerchant(TrafficRow);
export const MerchantBinRow = withMerchant(BinRow);
export const MerchantScoreBinRow = withMerchant(ScoreBinRow);

export type TrafficRow = z.infer<typeof TrafficRow>;
export type BinRow = z.infer<typeof BinRow>;
export type ScoreBinRow = z.infer<typeof ScoreBinRow>;

export interface QueryResults {
  trafficGlobal: TrafficRow[];
  trafficMerchants: z.infer<typeof MerchantTrafficRow>[];
  latencyGlobal: BinRow[];
  latencyMerchants: z.infer<typeof MerchantBinRow>[];
  scoreGlobal: ScoreBinRow[];
  scoreMerchants: z.infer<typeof MerchantScoreBinRow>[];
  features: Record<string, BinRow[]>;
  models: z.infer<typeof ModelRow>[];
  shadows: z.infer<typeof ShadowRow>[];
}

export interface QuerySource {
  queries: number;
  rows: number;
  truncated: boolean;
  ms: number;
}

export interface QueryWindows {
  trafficMinutes: number;
  driftMinutes: number;
  maxMerchants: number;
}

/** Every query a snapshot needs: first the busiest merchants, then the global and per-merchant figures. */
export async function runQueries(client: AeSqlClient, dataset: string, card: ModelCard, w: QueryWindows): Promise<{ results: QueryResults; source: QuerySource }> {
  const started = performance.now();
  const source: QuerySource = { queries: 0, rows: 0, truncated: false, ms: 0 };
  const run = async <T>(sql: string, row: z.ZodType<T>): Promise<T[]> => {
    const r = await client.query(sql, row);
    source.queries++;
    source.rows += r.rows.length;
    source.truncated ||= r.truncated;
    return r.rows;
  };
  const top = (await run(topMerchantsQuery(dataset, w.trafficMinutes, w.maxMerchants), MerchantRow)).map((r) => r.merchant);
  const perMerchant = top.length > 0;
  const featureNames = KEY_FEATURES.filter((f) => card.baselines.features[f]);
  const none = Promise.resolve([]);
  const featureRows = Promise.all(featureNames.map((f) => run(featureQuery(dataset, w.driftMinutes, f, card.baselines.features[f]!.edges), BinRow)));
  const [trafficGlobal, trafficMerchants, latencyGlobal, latencyMerchants, scoreGlobal, scoreMerchants, features, models, shadow1, shadow2] = await Promise.all([
    run(trafficQuery(dataset, w.trafficMinutes), TrafficRow),
    perMerchant ? run(trafficQuery(dataset, w.trafficMinutes, top), MerchantTrafficRow) : none,
    run(latencyQuery(dataset, w.trafficMinutes), BinRow),
    perMerchant ? run(latencyQuery(dataset, w.trafficMinutes, top), MerchantBinRow) : none,
    run(scoreQuery(dataset, w.driftMinutes, card), ScoreBinRow),
    perMerchant ? run(scoreQuery(dataset, w.driftMinutes, card, top), MerchantScoreBinRow) : none,
    featureRows,
    run(modelsQuery(dataset, w.driftMinutes), ModelRow),
    run(shadowQuery(dataset, w.driftMinutes, 1), ShadowRow),
    run(shadowQuery(dataset, w.driftMinutes, 2), ShadowRow),
  ]);
  source.ms = Math.round(performance.now() - started);
  return {
    results: {
      trafficGlobal,
      trafficMerchants,
      latencyGlobal,
      latencyMerchants,
      scoreGlobal,
      scoreMerchants,
      features: Object.fromEntries(featureNames.map((f, i) => [f, features[i]!])),
      models,
      shadows: [...shadow1, ...shadow2],
    },
    source,
  };
}
