import { binOf } from "./histogram";
import { BLOBS, DOUBLES, KEY_FEATURES, MAX_POINTS_PER_INVOCATION, type BlobName } from "./schema";

/** One scored (or failed) transaction as Analytics Engine records it. */
export interface DecisionRecord {
  merchant: string;
  decision: string;
  model_version: string;
  colo: string;
  country: string;
  channel: string;
  /** Degradations joined with "+" ("" when none). */
  degraded: string;
  score: number;
  latency_ms: number;
  amount_usd: number;
  /** Values of KEY_FEATURES in order, or null when not computed. */
  features: readonly number[] | null;
  /** Why the deciding model decided ("" for a failure). */
  model_role: string;
  /** What the shadow models scored the same row (at most MAX_SHADOWS). */
  shadows: readonly { version: string; score: number }[];
}

/** A data point as this module writes it: always one string index, every blob and double present. */
export interface DecisionPoint extends AnalyticsEngineDataPoint {
  indexes: [string];
  blobs: string[];
  doubles: number[];
}

/** A blob value that stands for "several values" on an aggregated point. */
export const MIXED = "*";
/** Index of the point that aggregates the merchants left over when even one point per merchant does not fit. */
export const OTHER_MERCHANTS = "_other";

interface Group {
  key: string;
  blobs: Record<BlobName, string>;
  merchant: string;
  members: DecisionRecord[];
}

type Level = { dropped: ReadonlySet<BlobName>; scoreBin: boolean };

/** Coarser and coarser groupings; the first that fits the budget is used. Decision rates stay exact at every level. */
const LEVELS: Level[] = [
  { dropped: new Set(), scoreBin: true },
  { dropped: new Set(["channel"]), scoreBin: true },
  { dropped: new Set(["channel", "country"]), scoreBin: true },
  { dropped: new Set(["channel", "country", "colo", "degraded"]), scoreBin: false },
];

/**
 * Data points for a run, within AE's per-invocation limit. Up to `budget` records: one point each. Beyond it,
 * records are grouped (see LEVELS) into points carrying a `weight` (count), the mean score and latency and the
 * summed amount, so `SUM(_sample_interval * weight)` still counts transactions and
 * `SUM(_sample_interval * weight * score) / SUM(_sample_interval * weight)` is still the mean score. Grouping by
 * the card's score bin (while it fits) keeps the score histogram, and so the PSI, exact: a bin's mean score lies
 * in the bin. Key features are recorded only on single-transaction points (`features_recorded` = 1).
 */
export function toDataPoints(records: readonly DecisionRecord[], scoreEdges: readonly number[], budget = MAX_POINTS_PER_INVOCATION): DecisionPoint[] {
  if (records.length <= budget) return records.map((r) => pointOf([r], r.merchant, blobsOf(r)));
  for (const level of LEVELS) {
    const groups = groupBy(records, (r) => r.merchant, level, scoreEdges);
    if (groups.length <= budget) return groups.map((g) => pointOf(g.members, g.merchant, g.blobs));
  }
  return mergeMerchants(records, budget).map((g) => pointOf(g.members, g.merchant, g.blobs));
}

/** Last resort (many merchants in one batch): the busiest merchants keep their own points, the rest share one index. */
function mergeMerchants(records: readonly DecisionRecord[], budget: number): Group[] {
  const coarsest = LEVELS[LEVELS.length - 1]!;
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.merchant, (counts.get(r.merchant) ?? 0) + 1);
  const ranked = [...counts.keys()].sort((a, b) => counts.get(b)! - counts.get(a)! || (a < b ? -1 : 1));
  for (let keep = ranked.length - 1; keep >= 0; keep--) {
    const kept = new Set(ranked.slice(0, keep));
    const groups = groupBy(records, (r) => (kept.has(r.merchant) ? r.merchant : OTHER_MERCHANTS), coarsest, []);
    if (groups.length <= budget) return groups;
  }
  // Only reached with budget < 3 (one point per decision for a single index): not a budget AE imposes.
  throw new Error(`analytics: cannot fit ${records.length} records into ${budget} points`);
}

function groupBy(records: readonly DecisionRecord[], indexOf: (r: DecisionRecord) => string, level: Level, scoreEdges: readonly number[]): Group[] {
  const groups = new Map<string, Group>();
  for (const r of records) {
    const merchant = indexOf(r);
    const blobs = blobsOf(r);
    for (const b of level.dropped) blobs[b] = MIXED;
    const key = JSON.stringify([merchant, ...BLOBS.map((b) => blobs[b]), level.scoreBin ? binOf(scoreEdges, r.score) : -1]);
    const g = groups.get(key);
    if (g) g.members.push(r);
    else groups.set(key, { key, blobs, merchant, members: [r] });
  }
  return [...groups.values()];
}

function blobsOf(r: DecisionRecord): Record<BlobName, string> {
  return {
    decision: r.decision,
    model_version: r.model_version,
    colo: r.colo,
    country: r.country,
    channel: r.channel,
    degraded: r.degraded,
    model_role: r.model_role,
    shadow1_version: r.shadows[0]?.version ?? "",
    shadow2_version: r.shadows[1]?.version ?? "",
  };
}

function pointOf(members: readonly DecisionRecord[], merchant: string, blobs: Record<BlobName, string>): DecisionPoint {
  const n = members.length;
  const mean = (f: (r: DecisionRecord) => number) => members.reduce((s, r) => s + f(r), 0) / n;
  const single = n === 1 ? members[0]!.features : null;
  const doubles: Record<(typeof DOUBLES)[number], number> = {
    score: mean((r) => r.score),
    latency_ms: mean((r) => r.latency_ms),
    amount_usd: members.reduce((s, r) => s + r.amount_usd, 0),
    weight: n,
    features_recorded: single ? 1 : 0,
    ...(Object.fromEntries(KEY_FEATURES.map((f, i) => [f, single?.[i] ?? 0])) as Record<(typeof KEY_FEATURES)[number], number>),
    shadow1_score: mean((r) => r.shadows[0]?.score ?? 0),
    shadow2_score: mean((r) => r.shadows[1]?.score ?? 0),
  };
  return {
    // AE limits an index to 96 bytes; merchant ids are at most 128 characters (schemas/transaction.ts).
    indexes: [truncateUtf8(merchant, 96)],
    blobs: BLOBS.map((b) => blobs[b]),
    doubles: DOUBLES.map((d) => doubles[d]),
  };
}

function truncateUtf8(s: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(s);
  if (bytes.length <= maxBytes) return s;
  return new TextDecoder().decode(bytes.slice(0, maxBytes)).replace(/\uFFFD$/, "");
}
