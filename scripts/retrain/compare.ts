import type { Evaluation } from "../train/evaluate";

/**
 * The evaluation gate of retraining (docs/feedback.md#the-gate): a candidate goes to the registry only if, on the
 * same out-of-time holdout, it is not worse than the live model by more than a small margin on the ranking
 * metrics, and still catches fraud at a 1 % false-positive rate.
 */
export const GATE = { rocAucMargin: 0.005, prAucMargin: 0.01, recallAt1PctFprMargin: 0.02 } as const;

export interface GateResult {
  passed: boolean;
  checks: { metric: string; candidate: number; live: number; allowed: number; passed: boolean }[];
}

export function gate(candidate: Evaluation, live: Evaluation): GateResult {
  const checks = [
    { metric: "roc_auc", candidate: candidate.rocAuc, live: live.rocAuc, margin: GATE.rocAucMargin },
    { metric: "pr_auc", candidate: candidate.prAuc, live: live.prAuc, margin: GATE.prAucMargin },
    { metric: "recall_at_1pct_fpr", candidate: candidate.recallAt1PctFpr, live: live.recallAt1PctFpr, margin: GATE.recallAt1PctFprMargin },
  ].map((c) => ({ metric: c.metric, candidate: c.candidate, live: c.live, allowed: c.live - c.margin, passed: c.candidate >= c.live - c.margin }));
  return { passed: checks.every((c) => c.passed), checks };
}

export function comparisonReport(o: {
  command: string;
  candidate: Evaluation;
  live: Evaluation;
  liveVersion: string;
  candidateVersion: string;
  holdoutRows: number;
  feedbackRowsInHoldout: number;
  gate: GateResult;
  gatedOn: string;
  feedbackOnly?: { candidate: Evaluation; live: Evaluation };
  join: Record<string, number>;
  biased: boolean;
}): string {
  const f = (x: number) => x.toFixed(4);
  const fb = o.feedbackOnly;
  return [
    `## Retraining: the candidate against the live model`,
    ``,
    `Command: \`${o.command}\``,
    ``,
    `Labelled decisions: ${Object.entries(o.join).map(([k, v]) => `${k} ${v}`).join(", ")}.`,
    `Out-of-time holdout: the newest ${o.holdoutRows} rows (${o.feedbackRowsInHoldout} of them labelled decisions), scored by both models.`,
    ``,
    `| metric | candidate ${o.candidateVersion} | live ${o.liveVersion} | gate: candidate ≥ | passed |`,
    `| --- | ---: | ---: | ---: | :---: |`,
    ...o.gate.checks.map((c) => `| ${c.metric} | ${f(c.candidate)} | ${f(c.live)} | ${f(c.allowed)} | ${c.passed ? "yes" : "**no**"} |`),
    `| log_loss (whole holdout) | ${f(o.candidate.logLoss)} | ${f(o.live.logLoss)} | — | — |`,
    `| fraud rate (whole holdout) | ${(o.candidate.fraudRate * 100).toFixed(2)} % | ${(o.live.fraudRate * 100).toFixed(2)} % | — | — |`,
    ``,
    `Gated on ${o.gatedOn}.`,
    ...(fb ? [`Whole holdout: ROC-AUC ${f(o.candidate.rocAuc)} against ${f(o.live.rocAuc)}, PR-AUC ${f(o.candidate.prAuc)} against ${f(o.live.prAuc)}.`] : []),
    ...(o.biased
      ? [`Labelled transactions younger than the label horizon are included: fraud labels come back early and legitimate ones mostly never, so recent rows lean towards fraud (\`--matured-only\` leaves them out).`]
      : []),
    ``,
    o.gate.passed ? `**Gate passed**: the candidate may be published as a shadow or challenger.` : `**Gate failed**: the candidate is not published.`,
    ``,
  ].join("\n");
}
