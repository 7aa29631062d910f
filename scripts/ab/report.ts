import { mcnemar, psi, quantileSorted, twoProportionZ, wilson } from "./stats";

/**
 * The A/B and shadow report (docs/models.md#the-ab-and-shadow-report) from observations — each decision with the
 * deciding model's version, role and score and every shadow's score — and, where known, labels.
 */
export interface Observation {
  transaction_id: string;
  decision: string;
  model: { version: string; role: string; score: number };
  shadows: { version: string; score: number; decision?: string }[];
}

export interface Thresholds {
  review: number;
  decline: number;
}

type Decision = "approve" | "review" | "decline";
const decisionAt = (score: number, t: Thresholds): Decision => (score >= t.decline ? "decline" : score >= t.review ? "review" : "approve");

export interface VariantSummary {
  /** `live`, `challenger`, `pinned`, `fallback` for deciding models; `shadow` for one that only scored. */
  role: string;
  version: string;
  n: number;
  /** Decisions made (deciding models, the policy included) or that would have been made at its own thresholds (shadows). */
  decisions: Record<Decision, number>;
  score: { mean: number; p50: number; p90: number; p99: number };
  /** Against the live model's scores (the live variant: 0). */
  psi_vs_live: number;
  labelled?: LabelledMetrics;
}

export interface RateWithCi {
  k: number;
  n: number;
  p: number;
  low: number;
  high: number;
}

/** At the live thresholds: flagged = score ≥ review (review or decline), or ≥ decline. */
export interface LabelledMetrics {
  fraud: number;
  legitimate: number;
  at_review: { precision: RateWithCi; recall: RateWithCi; false_positive_rate: RateWithCi };
  at_decline: { precision: RateWithCi; recall: RateWithCi; false_positive_rate: RateWithCi };
}

export interface Comparison {
  candidate: string;
  against: string;
  test: "two-proportion z (independent samples: the split gives each model its own shoppers)" | "McNemar (paired: both models scored the same transactions)";
  /** Recall at the decline threshold: positive z = the candidate catches more fraud. */
  recall_at_decline: { z: number; p: number };
  /** False-positive rate at the review threshold: positive z = the candidate flags more legitimate payments. */
  fpr_at_review: { z: number; p: number };
}

export interface AbReport {
  observations: number;
  labelled: number;
  live_thresholds: Thresholds;
  variants: VariantSummary[];
  comparisons: Comparison[];
}

interface Scored {
  id: string;
  score: number;
  decision: Decision;
}

export function buildReport(observations: readonly Observation[], labels: ReadonlyMap<string, 0 | 1>, thresholds: (version: string) => Thresholds | undefined, liveVersion: string): AbReport {
  const liveT = thresholds(liveVersion);
  if (!liveT) throw new Error(`no thresholds for the live model ${liveVersion}`);
  const groups = new Map<string, { role: string; version: string; rows: Scored[] }>();
  const add = (role: string, version: string, row: Scored) => {
    const key = `${role}\u0000${version}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { role, version, rows: [] }));
    g.rows.push(row);
  };
  for (const o of observations) {
    add(o.model.role, o.model.version, { id: o.transaction_id, score: o.model.score, decision: o.decision as Decision });
    for (const s of o.shadows) {
      const own = thresholds(s.version);
      add("shadow", s.version, { id: o.transaction_id, score: s.score, decision: (s.decision as Decision | undefined) ?? decisionAt(s.score, own ?? liveT) });
    }
  }
  const live = [...groups.values()].find((g) => g.role === "live");
  const liveScores = live?.rows.map((r) => r.score) ?? [];
  const variants = [...groups.values()]
    .sort((a, b) => order(a.role) - order(b.role) || (a.version < b.version ? -1 : 1))
    .map((g): VariantSummary => {
      const sorted = g.rows.map((r) => r.score).sort((a, b) => a - b);
      const decisions = { approve: 0, review: 0, decline: 0 };
      for (const r of g.rows) if (r.decision in decisions) decisions[r.decision]++;
      const labelled = metrics(g.rows, labels, liveT);
      return {
        role: g.role,
        version: g.version,
        n: g.rows.length,
        decisions,
        score: { mean: sorted.reduce((s, x) => s + x, 0) / sorted.length, p50: quantileSorted(sorted, 0.5), p90: quantileSorted(sorted, 0.9), p99: quantileSorted(sorted, 0.99) },
        psi_vs_live: g === live ? 0 : psi(liveScores, sorted),
        ...(labelled && { labelled }),
      };
    });

  const comparisons: Comparison[] = [];
  if (live && labels.size > 0) {
    for (const g of groups.values()) {
      if (g.role === "challenger") comparisons.push(independent(g.version, live, g, labels, liveT));
      if (g.role === "shadow") {
        // Paired with the live model only: the transactions a challenger, a pin or a fallback decided are another
        // comparison.
        const decidedByLive = new Map(observations.filter((o) => o.model.role === "live").map((o) => [o.transaction_id, o.model]));
        comparisons.push(paired(g.version, g.rows, decidedByLive, labels, liveT));
      }
    }
  }
  return { observations: observations.length, labelled: observations.filter((o) => labels.has(o.transaction_id)).length, live_thresholds: liveT, variants, comparisons };
}

const order = (role: string) => ["live", "challenger", "pinned", "fallback", "shadow"].indexOf(role);

const rate = (k: number, n: number): RateWithCi => ({ k, n, ...wilson(k, n) });

function metrics(rows: readonly Scored[], labels: ReadonlyMap<string, 0 | 1>, t: Thresholds): LabelledMetrics | undefined {
  const known = rows.filter((r) => labels.has(r.id));
  if (known.length === 0) return undefined;
  const at = (threshold: number) => {
    let tp = 0;
    let fp = 0;
    let fraud = 0;
    let legit = 0;
    for (const r of known) {
      const y = labels.get(r.id)!;
      const flagged = r.score >= threshold;
      if (y === 1) fraud++;
      else legit++;
      if (flagged && y === 1) tp++;
      if (flagged && y === 0) fp++;
    }
    return { precision: rate(tp, tp + fp), recall: rate(tp, fraud), false_positive_rate: rate(fp, legit) };
  };
  const fraud = known.filter((r) => labels.get(r.id) === 1).length;
  return { fraud, legitimate: known.length - fraud, at_review: at(t.review), at_decline: at(t.decline) };
}

function independent(version: string, live: { rows: Scored[] }, challenger: { rows: Scored[] }, labels: ReadonlyMap<string, 0 | 1>, t: Thresholds): Comparison {
  const counts = (rows: readonly Scored[]) => {
    const fraud = rows.filter((r) => labels.get(r.id) === 1);
    const legit = rows.filter((r) => labels.get(r.id) === 0);
    return { caught: fraud.filter((r) => r.score >= t.decline).length, fraud: fraud.length, flagged: legit.filter((r) => r.score >= t.review).length, legit: legit.length };
  };
  const a = counts(live.rows);
  const b = counts(challenger.rows);
  return {
    candidate: version,
    against: "live",
    test: "two-proportion z (independent samples: the split gives each model its own shoppers)",
    recall_at_decline: twoProportionZ(a.caught, a.fraud, b.caught, b.fraud),
    fpr_at_review: twoProportionZ(a.flagged, a.legit, b.flagged, b.legit),
  };
}

function paired(version: string, rows: readonly Scored[], deciding: ReadonlyMap<string, { score: number }>, labels: ReadonlyMap<string, 0 | 1>, t: Thresholds): Comparison {
  // b: the deciding model flags and the shadow does not; c: the reverse.
  let recallB = 0;
  let recallC = 0;
  let fprB = 0;
  let fprC = 0;
  for (const r of rows) {
    const y = labels.get(r.id);
    const other = deciding.get(r.id);
    if (y === undefined || !other) continue;
    if (y === 1) {
      const [l, s] = [other.score >= t.decline, r.score >= t.decline];
      if (l && !s) recallB++;
      if (s && !l) recallC++;
    } else {
      const [l, s] = [other.score >= t.review, r.score >= t.review];
      if (l && !s) fprB++;
      if (s && !l) fprC++;
    }
  }
  return {
    candidate: version,
    against: "live (same transactions)",
    test: "McNemar (paired: both models scored the same transactions)",
    recall_at_decline: mcnemar(recallB, recallC),
    fpr_at_review: mcnemar(fprB, fprC),
  };
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(2)}%` : "—");
const ci = (r: RateWithCi) => `${pct(r.p)} [${pct(r.low)}, ${pct(r.high)}] (${r.k}/${r.n})`;
const num = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : "—");

/** The report as text: what `npm run ab-report` prints. */
export function formatReport(r: AbReport): string {
  const out: string[] = [];
  out.push(`# A/B and shadow report`, ``, `${r.observations} decisions, ${r.labelled} with a label; live thresholds review ${num(r.live_thresholds.review)}, decline ${num(r.live_thresholds.decline)}.`, ``);
  out.push(`## Variants`, ``, `| role | version | n | approve | review | decline | mean score | p50 | p90 | p99 | PSI vs live |`, `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const v of r.variants) {
    const d = (k: Decision) => pct(v.decisions[k] / v.n);
    out.push(`| ${v.role} | ${v.version} | ${v.n} | ${d("approve")} | ${d("review")} | ${d("decline")} | ${num(v.score.mean)} | ${num(v.score.p50)} | ${num(v.score.p90)} | ${num(v.score.p99)} | ${num(v.psi_vs_live)} |`);
  }
  out.push(``, `Shadows' decisions are what they would have decided at their own thresholds; deciding models' include the merchants' policy. PSI: < 0.1 stable, 0.1–0.25 moderate, > 0.25 large.`, ``);
  const labelled = r.variants.filter((v) => v.labelled);
  if (labelled.length === 0) {
    out.push(`No labels: precision and recall need labelled transactions (--send replays the generated stream, whose labels are known; or --labels file.jsonl).`);
    return out.join("\n");
  }
  out.push(`## At the live thresholds (95 % Wilson intervals)`, ``, `| role | version | fraud / legit | recall @decline | precision @decline | recall @review | precision @review | FPR @review |`, `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |`);
  for (const v of labelled) {
    const m = v.labelled!;
    out.push(`| ${v.role} | ${v.version} | ${m.fraud} / ${m.legitimate} | ${ci(m.at_decline.recall)} | ${ci(m.at_decline.precision)} | ${ci(m.at_review.recall)} | ${ci(m.at_review.precision)} | ${ci(m.at_review.false_positive_rate)} |`);
  }
  if (r.comparisons.length > 0) {
    out.push(``, `## Significance`, ``, `| candidate | against | test | recall @decline: z, p | FPR @review: z, p |`, `| --- | --- | --- | ---: | ---: |`);
    for (const c of r.comparisons) out.push(`| ${c.candidate} | ${c.against} | ${c.test} | ${num(c.recall_at_decline.z, 2)}, ${num(c.recall_at_decline.p, 4)} | ${num(c.fpr_at_review.z, 2)}, ${num(c.fpr_at_review.p, 4)} |`);
    out.push(
      ``,
      `Positive z: the candidate catches more fraud / flags more legitimate payments. p < 0.05 is a difference unlikely to be chance; a larger p is no evidence either way at this sample size. McNemar is exact (binomial) below 25 discordant pairs. The two-proportion test counts each payment as its own trial: repeat shoppers make it overstate significance.`,
    );
  }
  return out.join("\n");
}
