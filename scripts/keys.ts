/**
 * The API key tool: create, list, revoke and rotate a merchant's keys in the scorer's Redis (docs/auth.md).
 * A new key is printed once and never again (only its SHA-256 is stored).
 *
 *   npx tsx scripts/keys.ts create --merchant m_shop --kind secret [--mode test|live] [--scope score ...] [--limit 100/60s] [--label text]
 *   npx tsx scripts/keys.ts create --merchant m_shop --kind publishable --origin https://shop.example.com [--origin ...] [--limit 30/60s]
 *   npx tsx scripts/keys.ts list   --merchant m_shop
 *   npx tsx scripts/keys.ts revoke --merchant m_shop --id key_0123456789abcdef     (or --key <the key itself>)
 *   npx tsx scripts/keys.ts rotate --merchant m_shop --id key_0123456789abcdef [--grace 24h]
 * Add --json for machine-readable output. UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN default to the local
 * stack's (scripts/local/stack.ts LOCAL_DEFAULTS).
 */
import { isMain } from "./cli";
import { parseArgs } from "node:util";
import { KEY_KINDS, KEY_MODES, type KeyKind, type KeyMode } from "../src/auth/api-key";
import { keyDigest } from "../src/auth/hash";
import { SCOPES, type ApiKeyRecord, type RateLimitPolicy, type Scope } from "../src/auth/key-record";
import { issueKey, KeySpecError, revokeKey, rotateKey } from "../src/auth/key-lifecycle";
import type { KeyStore } from "../src/auth/keys/interface";
import { RedisKeyStore } from "../src/auth/keys/redis";
import { LOCAL_DEFAULTS } from "./local/stack";

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const USAGE = "usage: keys.ts <create|list|revoke|rotate> --merchant <id> [options]   (see the header of scripts/keys.ts)";

/** `100/60s`, `100/1m`, `5000/1h`: requests per window. */
export function parseLimit(text: string): RateLimitPolicy {
  const m = /^(\d+)\/(\d+)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--limit "${text}": expected requests/window, e.g. 100/60s or 1000/1h`);
  const unit = { s: 1, m: 60, h: 3600 }[(m[3] ?? "s") as "s" | "m" | "h"];
  return { requests: Number(m[1]), window_s: Number(m[2]) * unit };
}

/** `0`, `90s`, `30m`, `24h`, `7d` in milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+)(s|m|h|d)?$/.exec(text.trim());
  if (!m) throw new UsageError(`"${text}": expected a duration such as 0, 30m, 24h or 7d`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? "s") as "s" | "m" | "h" | "d"];
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${flag} "${value}": one of ${allowed.join(", ")}`);
  return value as T;
}

function describe(r: ApiKeyRecord, now = Date.now()): string {
  const state = r.revoked_at === undefined ? "active" : Date.parse(r.revoked_at) <= now ? `revoked ${r.revoked_at}` : `expires ${r.revoked_at}`;
  const limit = r.rate_limit ? `${r.rate_limit.requests}/${r.rate_limit.window_s}s` : "default";
  const origins = r.kind === "publishable" ? `  origins ${r.allowed_origins.join(" ")}` : "";
  return `${r.id}  ${r.hint.padEnd(14)} ${r.kind.padEnd(11)} ${state.padEnd(32)} scopes ${r.scopes.join(",")}  limit ${limit}${origins}${r.label ? `  "${r.label}"` : ""}`;
}

async function findKey(store: KeyStore, merchant: string, id: string | undefined, key: string | undefined): Promise<ApiKeyRecord> {
  if (key) {
    const record = await store.get(await keyDigest(key));
    if (!record || record.merchant_id !== merchant) throw new UsageError(`no such key for merchant ${merchant}`);
    return record;
  }
  if (!id) throw new UsageError("name the key with --id key_… (from `list`) or --key <the key>");
  const record = (await store.list(merchant)).find((r) => r.id === id);
  if (!record) throw new UsageError(`merchant ${merchant} has no key ${id}`);
  return record;
}

/** Runs one command; returns what to print. Exported so tests drive the tool in-process. */
export async function runKeys(argv: string[], env: { UPSTASH_REDIS_REST_URL?: string; UPSTASH_REDIS_REST_TOKEN?: string }): Promise<string[]> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      merchant: { type: "string" },
      kind: { type: "string" },
      mode: { type: "string", default: "test" },
      origin: { type: "string", multiple: true },
      scope: { type: "string", multiple: true },
      limit: { type: "string" },
      label: { type: "string" },
      id: { type: "string" },
      key: { type: "string" },
      grace: { type: "string", default: "0" },
      json: { type: "boolean", default: false },
    },
  });
  const [command] = positionals;
  const merchant = values.merchant;
  if (!command || !merchant) throw new UsageError(USAGE);
  const store: KeyStore = new RedisKeyStore({
    url: env.UPSTASH_REDIS_REST_URL ?? `http://127.0.0.1:${LOCAL_DEFAULTS.redisRestPort}`,
    token: env.UPSTASH_REDIS_REST_TOKEN ?? LOCAL_DEFAULTS.redisToken,
    timeoutMs: 10_000,
  });
  const json = (v: unknown) => [JSON.stringify(v, null, 2)];
  const shownOnce = (key: string) => [key, "", "This is the only time the key is shown: store it now (only its SHA-256 is kept)."];

  switch (command) {
    case "create": {
      if (!values.kind) throw new UsageError("create needs --kind secret|publishable");
      const { key, record } = await issueKey(store, {
        kind: oneOf<KeyKind>(values.kind, KEY_KINDS, "kind"),
        mode: oneOf<KeyMode>(values.mode, KEY_MODES, "mode"),
        merchantId: merchant,
        ...(values.origin && { allowedOrigins: values.origin }),
        ...(values.scope && { scopes: values.scope.map((s) => oneOf<Scope>(s, SCOPES, "scope")) }),
        ...(values.limit && { rateLimit: parseLimit(values.limit) }),
        ...(values.label && { label: values.label }),
      });
      return values.json ? json({ key, record }) : [`created ${describe(record)}`, "", ...shownOnce(key)];
    }
    case "list": {
      const records = await store.list(merchant);
      if (values.json) return json(records);
      return records.length === 0 ? [`merchant ${merchant} has no keys`] : records.map((r) => describe(r));
    }
    case "revoke": {
      const record = await revokeKey(store, await findKey(store, merchant, values.id, values.key));
      return values.json ? json(record) : [`revoked ${describe(record)}`, "Isolates that cached it refuse it within AUTH_KEY_CACHE_TTL_MS (30 s by default)."];
    }
    case "rotate": {
      const old = await findKey(store, merchant, values.id, values.key);
      const { key, record, old: retired } = await rotateKey(store, old, parseDuration(values.grace));
      if (values.json) return json({ key, record, old: retired });
      return [`new     ${describe(record)}`, `old     ${describe(retired)}`, "", ...shownOnce(key)];
    }
    default:
      throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  }
}

if (isMain(import.meta.url)) {
  runKeys(process.argv.slice(2), process.env).then(
    (lines) => console.log(lines.join("\n")),
    (e: unknown) => {
      console.error(e instanceof UsageError || e instanceof KeySpecError ? e.message : e);
      process.exit(e instanceof UsageError || e instanceof KeySpecError ? 2 : 1);
    },
  );
}
