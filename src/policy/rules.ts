import { Environment } from "@marcbachmann/cel-js";
import { FEATURE_NAMES } from "../features";
import { toUsdCents } from "../schemas/iso";
import { MAX_EXPRESSION_CHARS } from "../schemas/policy";
import type { ScoringInput } from "../schemas/transaction";
import { networkOf } from "./lookup";

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
 * What a rule may call — an allowlist, because a rule runs on every score of its merchant, on isolates every
 * merchant shares: the CEL a condition needs and nothing that could make one evaluation costly. Refused, among
 * others: `matches` (a backtracking RegExp: `"(a+)+$"` can hold an isolate for seconds), `cel.bind`, `split`,
 * `join`, `map` and `filter` (a few of them nested build strings and lists exponentially — hundreds of MB, or
 * minutes of CPU, from a 150-character rule), and macros over anything but a list literal, or nested.
 */
const ALLOWED_FUNCTIONS = new Set(["has", "size", "int", "double", "string"]);
const ALLOWED_METHODS = new Set(["startsWith", "endsWith", "contains", "lowerAscii", "upperAscii", "size"]);
const MACROS = new Set(["all", "exists", "exists_one"]);

/** The most work one evaluation may do, in AST nodes visited (a macro's body counts once per list element). */
export const MAX_RULE_COST = 1_000;

export interface RuleProblem {
  code: "cel_syntax" | "cel_type" | "cel_not_bool" | "cel_refused" | "cel_too_large" | "cel_too_costly";
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
  const vetted = vet(parsed.ast, false);
  if ("problem" in vetted) return { ok: false, problem: vetted.problem };
  if (vetted.cost > MAX_RULE_COST) {
    return { ok: false, problem: { code: "cel_too_costly", message: `one evaluation would visit up to ${vetted.cost} nodes; the most a rule may is ${MAX_RULE_COST} (a macro's body counts once per element)` } };
  }
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
  start?: number;
  end?: number;
}

const isNode = (x: unknown): x is AstLike => typeof x === "object" && x !== null && typeof (x as AstLike).op === "string";
const refuse = (n: AstLike, message: string) => ({ problem: { code: "cel_refused" as const, message, ...(n.start !== undefined && { start: n.start, end: n.end ?? n.start + 1 }) } });

/** Checks every call against the allowlist and bounds the work of one evaluation (the cost). */
function vet(node: AstLike, inMacro: boolean): { cost: number } | { problem: RuleProblem } {
  const children = (xs: unknown[]): { cost: number } | { problem: RuleProblem } => {
    let cost = 0;
    for (const x of xs.flat(2)) {
      if (!isNode(x)) continue;
      const v = vet(x, inMacro);
      if ("problem" in v) return v;
      cost += v.cost;
    }
    return { cost };
  };
  const args = Array.isArray(node.args) ? node.args : [node.args];
  if (node.op === "call") {
    const [name, callArgs] = args as [string, unknown[]];
    if (!ALLOWED_FUNCTIONS.has(name)) return refuse(node, `${name}() is not allowed in rules; functions: ${[...ALLOWED_FUNCTIONS].join(", ")}`);
    const inner = children(callArgs);
    return "problem" in inner ? inner : { cost: 1 + inner.cost };
  }
  if (node.op === "rcall") {
    const [name, receiver, callArgs] = args as [string, AstLike, unknown[]];
    if (MACROS.has(name)) {
      if (inMacro) return refuse(node, `${name}() inside another macro is not allowed in rules`);
      if (receiver.op !== "list") return refuse(node, `${name}() is allowed over a list literal only, e.g. ["a", "b"].exists(d, tx.email_domain.endsWith(d))`);
      const elements = Array.isArray(receiver.args) ? receiver.args.length : 0;
      const over = children([receiver]);
      if ("problem" in over) return over;
      const body = callArgs.filter(isNode).map((x) => vet(x, true));
      let bodyCost = 0;
      for (const b of body) {
        if ("problem" in b) return b;
        bodyCost += b.cost;
      }
      return { cost: 1 + over.cost + elements * bodyCost };
    }
    if (!ALLOWED_METHODS.has(name)) return refuse(node, `.${name}() is not allowed in rules; methods: ${[...ALLOWED_METHODS].join(", ")}, and all/exists/exists_one over a list literal`);
    const inner = children([receiver, callArgs]);
    return "problem" in inner ? inner : { cost: 1 + inner.cost };
  }
  const inner = children(args);
  return "problem" in inner ? inner : { cost: 1 + inner.cost };
}

/**
 * The context rules see for one transaction: its fields, the model's row (`row[at …]`) and score, the edge's facts.
 * From a checkout page (`trusted` false) `tx.ip` and `tx.ip_country` are what the edge saw (lookup.ts networkOf).
 */
export function ruleContext(input: ScoringInput, row: Float32Array, at: number, score: number, trusted = true): RuleContext {
  const { tx, edge } = input;
  const network = networkOf(tx, edge, trusted);
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
      ip: network.ip ?? "",
      ip_country: network.country ?? "",
      asn: tx.device?.asn ?? edge.asn ?? -1,
      billing_country: tx.billing_country ?? "",
      shipping_country: tx.shipping_country ?? "",
    },
    features,
    score,
    network: { country: edge.country ?? "", asn: edge.asn ?? -1, colo: edge.colo ?? "" },
  };
}
