import { Environment } from "@marcbachmann/cel-js";
import { FEATURE_NAMES } from "../features";
import { canonicalIp } from "../schemas/ip";
import { toUsdCents } from "../schemas/iso";
import { MAX_EXPRESSION_CHARS } from "../schemas/policy";
import type { ScoringInput } from "../schemas/transaction";

/**
 * Merchant rules in CEL (https://cel.dev), with @marcbachmann/cel-js — measured against @bufbuild/cel inside
 * workerd (scripts/bench/cel-engines.ts: ~18× faster to compile, ~3× to evaluate, no dependencies) — over one
 * typed context, documented in docs/policy.md:
 *   tx        the transaction's fields (every one present: "" or -1 when the transaction leaves it out)
 *   features  the model's input row by feature name (src/features/definition.ts), as the model saw it
 *   score     the model's P(fraud)
 *   network   what the edge saw of the caller: country, asn, colo
 * Numbers are doubles (`3` and `3.0` both compare with them). A rule is type-checked when it is written, so an
 * unknown field or a wrong type is refused with its position then, not met at score time.
 */
const TX_FIELDS = {
  transaction_id: "string",
  amount_minor: "double",
  amount_usd: "double",
  currency: "string",
  merchant_category: "string",
  merchant_country: "string",
  channel: "string",
  card_fingerprint: "string",
  card_bin: "string",
  card_country: "string",
  customer_id: "string",
  email_domain: "string",
  account_age_days: "double",
  device_id: "string",
  ip: "string",
  ip_country: "string",
  asn: "double",
  billing_country: "string",
  shipping_country: "string",
} as const;
const NETWORK_FIELDS = { country: "string", asn: "double", colo: "string" } as const;

export const RULE_CONTEXT = { tx: TX_FIELDS, features: Object.fromEntries(FEATURE_NAMES.map((n) => [n, "double"])), network: NETWORK_FIELDS, score: "double" } as const;

/** Small on purpose: a rule is a condition, not a program, and every score of the merchant evaluates it. */
const LIMITS = { maxAstNodes: 400, maxDepth: 32, maxListElements: 200, maxMapEntries: 50, maxCallArguments: 8 };

const env = new Environment({ limits: LIMITS })
  .registerVariable({ name: "tx", schema: TX_FIELDS })
  .registerVariable({ name: "features", schema: RULE_CONTEXT.features })
  .registerVariable({ name: "network", schema: NETWORK_FIELDS })
  .registerVariable("score", "double");

/**
 * Functions refused in rules. `matches` runs a backtracking regular expression (JavaScript's RegExp): a rule like
 * `tx.email_domain.matches("(a+)+$")` could hold the isolate — and every merchant's scores on it — for seconds.
 * `startsWith`, `endsWith`, `contains` and `in` cover what fraud rules use it for.
 */
const REFUSED_FUNCTIONS = new Set(["matches"]);

export interface RuleProblem {
  code: "cel_syntax" | "cel_type" | "cel_not_bool" | "cel_refused" | "cel_too_large";
  message: string;
  /** Offsets in the expression (0-based, end exclusive) the problem is at, when known. */
  start?: number;
  end?: number;
}

export type CompiledRule = (context: RuleContext) => unknown;
export type RuleContext = Record<string, unknown>;

export type Compilation = { ok: true; run: CompiledRule } | { ok: false; problem: RuleProblem };

export function compileRule(expression: string): Compilation {
  if (expression.length > MAX_EXPRESSION_CHARS) return { ok: false, problem: { code: "cel_too_large", message: `must be at most ${MAX_EXPRESSION_CHARS} characters` } };
  let parsed: ReturnType<typeof env.parse>;
  try {
    parsed = env.parse(expression);
  } catch (e) {
    return { ok: false, problem: problemOf("cel_syntax", e) };
  }
  const refused = findCall(parsed.ast, REFUSED_FUNCTIONS);
  if (refused) return { ok: false, problem: { code: "cel_refused", message: `${refused.name}() is not allowed in rules (use startsWith, endsWith, contains or in)`, start: refused.start, end: refused.end } };
  const checked = parsed.check();
  if (!checked.valid) return { ok: false, problem: problemOf("cel_type", checked.error) };
  if (checked.type !== "bool") return { ok: false, problem: { code: "cel_not_bool", message: `must be a condition (a bool); this expression is a ${checked.type}` } };
  return { ok: true, run: (context) => parsed(context) };
}

function problemOf(code: RuleProblem["code"], e: unknown): RuleProblem {
  const err = e as { summary?: string; message?: string; range?: { start: number; end: number } } | undefined;
  const message = (err?.summary ?? err?.message ?? String(e)).split("\n")[0]!;
  return { code, message, ...(err?.range && { start: err.range.start, end: err.range.end }) };
}

interface AstLike {
  op: string;
  args: unknown;
  range?: { start: number; end: number };
}

function findCall(node: unknown, names: ReadonlySet<string>): { name: string; start?: number; end?: number } | undefined {
  if (!node || typeof node !== "object") return undefined;
  const n = node as AstLike;
  if ((n.op === "call" || n.op === "rcall") && Array.isArray(n.args) && typeof n.args[0] === "string" && names.has(n.args[0])) {
    return { name: n.args[0], ...(n.range && { start: n.range.start, end: n.range.end }) };
  }
  const children = Array.isArray(n.args) ? n.args : [n.args];
  for (const c of children.flat(2)) {
    const found = findCall(c, names);
    if (found) return found;
  }
  return undefined;
}

/** The context rules see for one transaction: its fields, the model's row (`row[at …]`) and score, the edge's facts. */
export function ruleContext(input: ScoringInput, row: Float32Array, at: number, score: number): RuleContext {
  const { tx, edge } = input;
  const features: Record<string, number> = {};
  for (let i = 0; i < FEATURE_NAMES.length; i++) features[FEATURE_NAMES[i]!] = row[at + i]!;
  return {
    tx: {
      transaction_id: tx.transaction_id,
      amount_minor: tx.amount,
      amount_usd: toUsdCents(tx.amount, tx.currency) / 100,
      currency: tx.currency,
      merchant_category: tx.merchant.category ?? "",
      merchant_country: tx.merchant.country ?? "",
      channel: tx.channel ?? "",
      card_fingerprint: tx.card.fingerprint,
      card_bin: tx.card.bin ?? "",
      card_country: tx.card.country ?? "",
      customer_id: tx.customer?.id ?? "",
      email_domain: tx.customer?.email_domain?.toLowerCase() ?? "",
      account_age_days: tx.customer?.account_age_days ?? -1,
      device_id: tx.device?.id ?? "",
      ip: tx.device?.ip ? canonicalIp(tx.device.ip) : "",
      ip_country: tx.device?.ip_country ?? edge.country ?? "",
      asn: tx.device?.asn ?? edge.asn ?? -1,
      billing_country: tx.billing_country ?? "",
      shipping_country: tx.shipping_country ?? "",
    },
    features,
    score,
    network: { country: edge.country ?? "", asn: edge.asn ?? -1, colo: edge.colo ?? "" },
  };
}
