import { FEATURE_COUNT, type ScoringInput } from "../features";
import { loadModel } from "../model/load";
import { merchantDefault } from "../model/routing";
import { ruleContext, type CompiledRule } from "../policy";
import { round6 } from "../utils/round";
import { referenceVector } from "../scoring/reasons";
import type { PipelineDeps } from "./deps";
import { featureRows } from "./rows";

export interface RuleTestResult {
  transaction_id: string;
  matched: boolean;
  score: number;
  error?: string;
}

/**
 * A draft rule against given transactions, as a score would evaluate it — the same feature definition, model and
 * context — but recording nothing: behaviour is neutral (each named entity at its training reference, as when the
 * feature store is down), since reading an entity's history without adding to it is not a score's path. For the
 * rule against real history, backtest it (`npm run backtest`).
 */
export async function testRule(run: CompiledRule, inputs: readonly ScoringInput[], deps: Pick<PipelineDeps, "models" | "routing">, merchant: string): Promise<RuleTestResult[]> {
  // The model deciding for the merchant (its pin, else live) as this isolate holds it, leased while it scores;
  // else the bundled one.
  const model = deps.models.acquire(merchantDefault(deps.routing.current(), merchant)) ?? (await loadModel(() => deps.models.fallback()));
  let scores: Float32Array;
  const rows = featureRows(inputs.map((input) => ({ input, states: {} })), true, referenceVector(model.card));
  try {
    scores = await model.score(rows);
  } finally {
    deps.models.unlease(model);
  }
  return inputs.map((input, i) => {
    const base = { transaction_id: input.tx.transaction_id, score: round6(scores[i]!) };
    try {
      const out = run(ruleContext(input, rows, i * FEATURE_COUNT, scores[i]!));
      return typeof out === "boolean" ? { ...base, matched: out } : { ...base, matched: false, error: `returned ${typeof out}, not a bool` };
    } catch (e) {
      return { ...base, matched: false, error: (e instanceof Error ? e.message : String(e)).split("\n")[0]! };
    }
  });
}
