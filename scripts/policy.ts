/**
 * The merchant's policy from the command line, over the API (docs/policy.md) — what a fraud analyst scripts:
 *
 *   npm run policy -- show
 *   npm run policy -- lists add <kind> <value> <allow|block|review> [--note "…"] [--ttl 30d | --expires 2027-01-31T00:00:00Z]
 *   npm run policy -- lists ls [--kind card_fingerprint]
 *   npm run policy -- lists rm <entry id>
 *   npm run policy -- rules add --name "…" --action <request_3ds|allow|block|review> '<CEL expression>' [--disabled]
 *   npm run policy -- rules ls
 *   npm run policy -- rules rm <rule id>
 *   npm run policy -- rules test '<CEL expression>' <transactions.json>     (an array of transactions, or one)
 *   npm run policy -- thresholds set <review> <decline> | thresholds clear
 *   npm run policy -- audit [--limit 20]
 *
 * --url (or SCORER_URL; default http://127.0.0.1:8787, `npm run dev`) and --key (or SCORER_KEY; default the local
 * demo secret key). A refused change prints the problem: for a rule, the expression with a caret under the fault.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { isMain, runMain } from "./cli";
import type { ListEntry, Rule } from "../src/schemas/policy";
import { DEMO_SECRET_KEY } from "./seed-demo";

interface Problem {
  status: number;
  code: string;
  title: string;
  detail?: string;
  errors?: { path: string; code: string; message: string; position?: { start: number; end: number } }[];
}

export class PolicyCliError extends Error {}

const TTL = /^(\d+)([smhd])$/;
const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Runs one command; returns what it prints. Exported for the end-to-end test, which runs it against `npm start`. */
export async function policyCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      key: { type: "string" },
      note: { type: "string" },
      ttl: { type: "string" },
      expires: { type: "string" },
      kind: { type: "string" },
      name: { type: "string" },
      action: { type: "string" },
      disabled: { type: "boolean", default: false },
      limit: { type: "string", default: "20" },
      json: { type: "boolean", default: false },
    },
  });
  const base = (values.url ?? env.SCORER_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
  const key = values.key ?? env.SCORER_KEY ?? DEMO_SECRET_KEY;
  const call = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { "content-type": "application/json" }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new PolicyCliError(`cannot reach ${base} (${e instanceof Error ? e.message : String(e)}): is the scorer running (npm run dev / npm start)?`);
    }
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) throw new PolicyCliError(describeProblem(parsed as Problem, body));
    return parsed;
  };
  const out = (x: unknown, human: string) => (values.json ? JSON.stringify(x, null, 2) : human);
  const [group, verb, ...rest] = positionals;

  switch (`${group ?? ""} ${verb ?? ""}`.trim()) {
    case "show": {
      const p = (await call("GET", "/v1/policy")) as { version: number; thresholds: { review: number; decline: number; source: string }; lists: { entries: number; ip_ranges: number } };
      const rules = (await call("GET", "/v1/rules")) as { rules: unknown[] };
      return out({ ...p, rules: rules.rules.length }, `policy version ${p.version}: thresholds review ${p.thresholds.review} / decline ${p.thresholds.decline} (${p.thresholds.source}); ${p.lists.entries} list entries (${p.lists.ip_ranges} IP ranges); ${rules.rules.length} rules`);
    }
    case "lists add": {
      const [kind, value, action] = rest;
      if (!kind || !value || !action) throw new PolicyCliError("usage: lists add <kind> <value> <allow|block|review> [--note …] [--ttl 30d | --expires <RFC 3339>]");
      const expires_at = values.expires ?? (values.ttl ? ttlToDate(values.ttl) : undefined);
      const r = (await call("POST", "/v1/lists/entries", { kind, value, action, ...(values.note && { note: values.note }), ...(expires_at && { expires_at }) })) as { entry: Entry; replaced: boolean; policy_version: number };
      return out(r, `${r.replaced ? "replaced" : "added"} ${entryLine(r.entry)} (policy version ${r.policy_version})`);
    }
    case "lists ls": {
      const entries: Entry[] = [];
      let cursor: string | null = null;
      do {
        const q: string = `?limit=500${values.kind ? `&kind=${encodeURIComponent(values.kind)}` : ""}${cursor ? `&cursor=${cursor}` : ""}`;
        const page = (await call("GET", `/v1/lists/entries${q}`)) as { entries: Entry[]; next_cursor: string | null };
        entries.push(...page.entries);
        cursor = page.next_cursor;
      } while (cursor);
      return out(entries, entries.length === 0 ? "no list entries" : entries.map(entryLine).join("\n"));
    }
    case "lists rm": {
      const r = (await call("DELETE", `/v1/lists/entries/${encodeURIComponent(need(rest[0], "lists rm <entry id>"))}`)) as { deleted: Entry; policy_version: number };
      return out(r, `removed ${entryLine(r.deleted)} (policy version ${r.policy_version})`);
    }
    case "rules add": {
      const expression = need(rest[0], "rules add --name … --action … '<CEL expression>'");
      const r = (await call("POST", "/v1/rules", { name: need(values.name, "rules add needs --name"), action: need(values.action, "rules add needs --action"), expression, enabled: !values.disabled })) as { rule: RuleView; policy_version: number };
      return out(r, `added ${ruleLine(r.rule)} (policy version ${r.policy_version})`);
    }
    case "rules ls": {
      const r = (await call("GET", "/v1/rules")) as { rules: RuleView[] };
      return out(r, r.rules.length === 0 ? "no rules" : r.rules.map(ruleLine).join("\n"));
    }
    case "rules rm": {
      const r = (await call("DELETE", `/v1/rules/${encodeURIComponent(need(rest[0], "rules rm <rule id>"))}`)) as { deleted: RuleView; policy_version: number };
      return out(r, `removed ${ruleLine(r.deleted)} (policy version ${r.policy_version})`);
    }
    case "rules test": {
      const expression = need(rest[0], "rules test '<CEL expression>' <transactions.json>");
      const loaded = JSON.parse(readFileSync(need(rest[1], "rules test '<CEL expression>' <transactions.json>"), "utf8")) as unknown;
      const transactions = Array.isArray(loaded) ? loaded : [loaded];
      const r = (await call("POST", "/v1/rules/test", { expression, transactions })) as { results: { transaction_id: string; matched: boolean; score: number; error?: string }[]; matched: number };
      return out(r, [`${r.matched} of ${r.results.length} match`, ...r.results.map((x) => `  ${x.matched ? "✓" : " "} ${x.transaction_id}  score ${x.score}${x.error ? `  error: ${x.error}` : ""}`)].join("\n"));
    }
    case "thresholds set": {
      const [review, decline] = rest.map(Number);
      if (!Number.isFinite(review) || !Number.isFinite(decline)) throw new PolicyCliError("usage: thresholds set <review> <decline> (probabilities, e.g. 0.3 0.8)");
      const r = (await call("PUT", "/v1/policy/thresholds", { review, decline })) as { policy_version: number };
      return out(r, `thresholds review ${review} / decline ${decline} (policy version ${r.policy_version})`);
    }
    case "thresholds clear": {
      const r = (await call("DELETE", "/v1/policy/thresholds")) as { policy_version: number };
      return out(r, `thresholds back to the model card's (policy version ${r.policy_version})`);
    }
    case "audit": {
      const r = (await call("GET", `/v1/policy/audit?limit=${Number(values.limit)}`)) as { records: { at: string; actor: string; action: string; version: number; entry?: Entry; rule?: RuleView; thresholds?: unknown }[] };
      const what = (x: (typeof r.records)[number]) => (x.entry ? entryLine(x.entry) : x.rule ? ruleLine(x.rule) : x.thresholds ? JSON.stringify(x.thresholds) : "");
      return out(r, r.records.map((x) => `v${x.version}  ${x.at}  ${x.actor}  ${x.action}  ${what(x)}`).join("\n") || "no changes yet");
    }
    default:
      throw new PolicyCliError("commands: show | lists add|ls|rm | rules add|ls|rm|test | thresholds set|clear | audit  (see the top of scripts/policy.ts)");
  }
}

type Entry = ListEntry;
type RuleView = Rule;

const entryLine = (e: Entry) => `${e.id}  ${e.action.padEnd(6)} ${e.kind} ${e.value}${e.expires_at ? `  until ${e.expires_at}` : ""}${e.note ? `  "${e.note}"` : ""}`;
const ruleLine = (r: RuleView) => `${r.id}  ${r.action.padEnd(11)} ${r.enabled ? "" : "(disabled) "}"${r.name}": ${r.expression}`;

function need(v: string | undefined, usage: string): string {
  if (!v) throw new PolicyCliError(`usage: ${usage}`);
  return v;
}

function ttlToDate(ttl: string): string {
  const m = TTL.exec(ttl);
  if (!m) throw new PolicyCliError("--ttl is a number and a unit, e.g. 90m, 12h, 30d");
  return new Date(Date.now() + Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]).toISOString();
}

/** A problem document for a person: its detail, each field, and for an expression a caret under the fault. */
function describeProblem(p: Problem | undefined, body: unknown): string {
  if (!p || typeof p !== "object") return "the scorer answered an error without a problem document";
  const lines = [`${p.status} ${p.code}: ${p.detail ?? p.title}`];
  const expression = (body as { expression?: string } | undefined)?.expression;
  for (const e of p.errors ?? []) {
    lines.push(`  ${e.path}: ${e.message} (${e.code})`);
    if (e.position && expression) {
      lines.push(`    ${expression}`);
      lines.push(`    ${" ".repeat(e.position.start)}${"^".repeat(Math.max(1, e.position.end - e.position.start))}`);
    }
  }
  return lines.join("\n");
}

if (isMain(import.meta.url)) runMain(async () => console.log(await policyCommand(process.argv.slice(2))), (e) => (e instanceof PolicyCliError ? e.message : e));
