import { authorityOf, type LabelOutcome, type StoredLabel } from "../../schemas/feedback";

/**
 * Which of two labels of one transaction stands (docs/feedback.md#precedence): the more authoritative source, and
 * at equal authority the one learnt later. The same label from a source of the same authority learnt at the same
 * moment is a duplicate: counted once. The Redis scripts (scripts.ts) apply the same rule; memory.ts uses this.
 */
export function precedence(kept: StoredLabel | undefined, next: StoredLabel): LabelOutcome {
  if (!kept) return "applied";
  const [kr, nr] = [authorityOf(kept.source), authorityOf(next.source)];
  const [ka, na] = [Date.parse(kept.learnt_at), Date.parse(next.learnt_at)];
  if (kr === nr && ka === na && kept.label === next.label) return "duplicate";
  if (nr < kr || (nr === kr && na <= ka)) return "superseded";
  return "applied";
}
