import { FEATURE_COUNT, FEATURES, buildFeatureVector, entityIds, type EntityKind, type ScoringInput } from "../features";
import type { EntityStates } from "../store/interface";

const BEHAVIOUR_COLUMNS = FEATURES.flatMap((f, i) => (f.group === "behaviour" ? [{ column: i, entity: f.entity as EntityKind }] : []));

/**
 * The model's input rows, one per transaction, in one buffer. Without state (`neutral`), the named entities'
 * behaviour takes its training reference (a typical legitimate value); an entity the transaction does not name
 * keeps -1, exactly as in training.
 */
export function featureRows(entries: readonly { input: ScoringInput; states: EntityStates }[], neutral: boolean, reference: Float32Array): Float32Array {
  const rows = new Float32Array(entries.length * FEATURE_COUNT);
  entries.forEach(({ input, states }, r) => {
    const at = r * FEATURE_COUNT;
    buildFeatureVector(input, states, rows, at);
    if (!neutral) return;
    const ids = entityIds(input.tx);
    for (const { column, entity } of BEHAVIOUR_COLUMNS) if (ids[entity] !== undefined) rows[at + column] = reference[column]!;
  });
  return rows;
}
