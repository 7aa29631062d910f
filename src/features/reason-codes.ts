/**
 * Reason codes (docs/reasons.md). A feature raises a score by being above or below its training reference (the
 * median among legitimate rows), or by taking a value with a meaning of its own — a category, a flag, "unknown" —
 * so the code a response reports depends on the value, not on the feature alone: an IP with no recent history
 * must not be reported as "ip_velocity".
 */
export interface ReasonCodes {
  /** The value is above the reference (or the pivot). */
  above: string;
  /** The value is below it. */
  below: string;
  /** Values whose meaning does not depend on the reference, e.g. `{ "-1": "channel_not_provided" }`. */
  values?: Record<string, string>;
  /**
   * What "above" and "below" are measured against when the reference itself is a sentinel (-1: the typical
   * legitimate row does not name this entity): a named IP with 0 transactions in the last hour has little history,
   * not velocity, although 0 > -1.
   */
  pivot?: number;
  /**
   * Thresholds that replace the reference altogether, for features whose codes have a meaning of their own: "two
   * or more merchants" is a spread whatever the typical card does. At or below `low` → `below`, above `high` →
   * `above`, in between → `between`.
   */
  fixed?: { low: number; high: number; between?: string };
}

/** A continuous feature: a code per side of the reference (or of `pivot` / `fixed`), plus codes for its sentinels. */
export const sides = (above: string, below: string, extra: Pick<ReasonCodes, "values" | "pivot" | "fixed"> = {}): ReasonCodes => ({ above, below, ...extra });

/** `fixed` with one threshold: above `at` → `above`, at or below → `below`. */
export const threshold = (at: number): NonNullable<ReasonCodes["fixed"]> => ({ low: at, high: at });

/** A categorical feature: a code per value, `fallback` for any other (one of the value codes when they are all listed). */
export const byValue = (fallback: string, values: Record<string, string>): ReasonCodes => ({ above: fallback, below: fallback, values });

/** The three-valued country comparisons (1 differ, 0 same, -1 unknown). */
export const comparison = (mismatch: string, match: string, unknown: string): ReasonCodes => byValue(mismatch, { "1": mismatch, "0": match, "-1": unknown });

/** Prefixes every code, e.g. an entity's features: `velocity` → `card_velocity`. */
export function prefixed(prefix: string, codes: ReasonCodes): ReasonCodes {
  const values = codes.values && Object.fromEntries(Object.entries(codes.values).map(([v, c]) => [v, `${prefix}${c}`]));
  const fixed = codes.fixed && { ...codes.fixed, ...(codes.fixed.between !== undefined && { between: `${prefix}${codes.fixed.between}` }) };
  return { ...codes, above: `${prefix}${codes.above}`, below: `${prefix}${codes.below}`, ...(values && { values }), ...(fixed && { fixed }) };
}

/** The code for `value` against the feature's `reference`. */
export function reasonCode(codes: ReasonCodes, value: number, reference: number): string {
  const specific = codes.values?.[String(value)];
  if (specific !== undefined) return specific;
  if (codes.fixed) {
    const { low, high, between } = codes.fixed;
    return value > high ? codes.above : value <= low ? codes.below : (between ?? codes.above);
  }
  const against = reference < 0 && codes.pivot !== undefined ? codes.pivot : reference;
  return value > against ? codes.above : codes.below;
}

/**
 * The code of an entity the transaction did not name (no device, no customer …): all its features are -1, and
 * what raised the score is the absence, whatever the feature.
 */
export const notProvided = (entity: string) => `${entity}_not_provided`;

/** Every code a set of features can report, sorted. */
export function allReasonCodes(codes: readonly ReasonCodes[], entities: readonly string[]): string[] {
  const all = new Set<string>(entities.map(notProvided));
  for (const c of codes) {
    all.add(c.above);
    all.add(c.below);
    for (const v of Object.values(c.values ?? {})) all.add(v);
    if (c.fixed?.between !== undefined) all.add(c.fixed.between);
  }
  return [...all].sort();
}
