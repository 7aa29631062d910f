/**
 * Merchant category codes grouped the way fraud teams reason about them. Trees split on the group index, so the
 * numbering is arbitrary but must stay stable: it is part of the model's contract.
 */
export const MCC_GROUPS = [
  "other",
  "grocery",
  "restaurant",
  "fuel",
  "travel",
  "electronics",
  "digital_goods",
  "luxury",
  "gambling",
  "money_transfer",
  "retail",
] as const;
export type MccGroup = (typeof MCC_GROUPS)[number];

const HIGH_RISK: ReadonlySet<MccGroup> = new Set(["electronics", "digital_goods", "luxury", "gambling", "money_transfer"]);

export function mccGroup(mcc: string | undefined): MccGroup | undefined {
  if (mcc === undefined) return undefined;
  const n = Number(mcc);
  if (n >= 3000 && n <= 3999) return "travel";
  switch (n) {
    case 5411: case 5499: case 5422: case 5441: case 5451: return "grocery";
    case 5812: case 5813: case 5814: return "restaurant";
    case 5541: case 5542: case 5983: return "fuel";
    case 4511: case 4722: case 7011: case 4111: case 4121: case 4131: return "travel";
    case 5045: case 5732: case 5734: case 5946: return "electronics";
    case 5815: case 5816: case 5817: case 5818: case 5968: return "digital_goods";
    case 5094: case 5944: case 5948: return "luxury";
    case 7995: case 7800: case 7801: case 7802: return "gambling";
    case 4829: case 6010: case 6011: case 6012: case 6051: case 6540: return "money_transfer";
    case 5311: case 5651: case 5661: case 5691: case 5699: case 5999: case 5942: case 5200: return "retail";
    default: return "other";
  }
}

export const mccGroupIndex = (g: MccGroup) => MCC_GROUPS.indexOf(g);
export const isHighRiskMcc = (g: MccGroup) => HIGH_RISK.has(g);
