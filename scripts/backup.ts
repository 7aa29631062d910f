/**
 * `npm run backup` / `npm run restore` — what the product cannot recompute, to a file and back (docs/backups.md).
 *
 *   npm run backup -- --out backups/2026-12-02.jsonl          Redis (keys, policy, routing, records) + the model registry
 *   npm run restore -- backups/2026-12-02.jsonl               into an empty deployment (existing keys are kept)
 *   npm run restore -- backups/2026-12-02.jsonl --force       overwrite what is there
 *   npm run restore -- backups/2026-12-02.jsonl --dry-run     say what would change, change nothing
 *   … --no-models                                            Redis only (no scorer to read or publish models)
 *
 * What is kept, by Redis key prefix (each backend's layout.ts):
 *   auth:v1:key:*, auth:v1:merchant:*:keys       API key records (digests, never keys) and each merchant's set
 *   pol:v1:*                                     policy: list entries, IP ranges, rules, thresholds, version, audit
 *   models:v1:*                                  the model routing (live, challenger, shadows, pins, history)
 *   txn:v1:*                                     transaction records with their labels and review resolutions
 *   rev:v1:*                                     the open review queues
 *   outbox:v1:*                                  decisions and labels not yet produced to Kafka
 *   fs:v2:*:fraud                                the network's memory of confirmed fraud (marks)
 * and, through the scorer's admin API (ADMIN_TOKEN), every published model version's files from R2 — restored by
 * publishing them again, through the same gates.
 *
 * Not kept, because it is recomputed or transient: behaviour (fs:v2 events: backfill with `npm run seed -- --file`),
 * idempotency answers, rate-limit counters, the metrics snapshot, the alert spill.
 *
 * Redis: UPSTASH_REDIS_REST_URL / UPSTASH_REDIS_REST_TOKEN (else the local stack's). The scorer: SCORER_URL and
 * ADMIN_TOKEN (else the local dev server's). Progress goes to stderr, one line per 10 %.
 */
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Redis } from "@upstash/redis";
import { isMain, runMain } from "./cli";
import { LOCAL_DEFAULTS } from "./local/stack";
import { isLoopback, targetOf } from "./local-target";

export const BACKUP_FORMAT = "edge-fraud-backup";
export const BACKUP_VERSION = 1;

/**
 * The Redis keys a backup keeps, by what they are, in the order a restore writes them: the API keys last, so no
 * merchant can authenticate against a deployment whose lists and rules are not back yet.
 */
export const KEPT = [
  { what: "policy", match: "pol:v1:*" },
  { what: "model routing", match: "models:v1:*" },
  { what: "transaction records and labels", match: "txn:v1:*" },
  { what: "review queues", match: "rev:v1:*" },
  { what: "outboxes", match: "outbox:v1:*" },
  { what: "confirmed-fraud marks", match: "fs:v2:*:fraud" },
  { what: "api keys", match: "auth:v1:key:*" },
  { what: "api keys", match: "auth:v1:merchant:*" },
] as const;

type RedisValue =
  | { type: "string"; value: string }
  | { type: "hash"; value: Record<string, string> }
  | { type: "zset"; value: [string, number][] }
  | { type: "set"; value: string[] }
  | { type: "list"; value: string[] };

export type BackupLine =
  | { kind: "header"; format: typeof BACKUP_FORMAT; version: number; created_at: string; counts: Record<string, number> }
  | ({ kind: "redis"; key: string; what: string; ttl_ms: number } & RedisValue)
  | { kind: "model"; version: string; sha256: string; files: { onnx_base64: string; card: unknown; reference: unknown; report?: string } }
  /** The last line: a backup without it was cut short, and is refused. */
  | { kind: "end"; keys: number; models: number };

export interface Target {
  redis: { url: string; token: string };
  /** The scorer, for the model registry; absent: models are skipped (and the tool says so). */
  scorer?: { base: string; adminToken: string };
}

export interface BackupReport {
  keys: number;
  models: number;
  byWhat: Record<string, number>;
}

const redisOf = (t: Target) => new Redis({ url: t.redis.url, token: t.redis.token, automaticDeserialization: false, enableTelemetry: false, responseEncoding: false });

async function read(redis: Redis, key: string, type: string): Promise<RedisValue | undefined> {
  switch (type) {
    case "string": {
      const v = await redis.get<string>(key);
      return v === null ? undefined : { type, value: v };
    }
    case "hash": {
      // Without deserialisation the REST API answers HGETALL as the flat [field, value, …] Redis sends.
      const raw = (await redis.hgetall<Record<string, string>>(key)) as unknown;
      const value: Record<string, string> = {};
      if (Array.isArray(raw)) for (let i = 0; i < raw.length; i += 2) value[String(raw[i])] = String(raw[i + 1]);
      else Object.assign(value, raw ?? {});
      return { type, value };
    }
    case "zset": {
      const flat = (await redis.zrange<string[]>(key, 0, -1, { withScores: true })) as string[];
      const pairs: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, Number(flat[i + 1])]);
      return { type, value: pairs };
    }
    case "set":
      return { type, value: (await redis.smembers<string[]>(key)) as string[] };
    case "list":
      return { type, value: (await redis.lrange<string>(key, 0, -1)) as string[] };
    default:
      return undefined;
  }
}

async function adminJson<T>(scorer: NonNullable<Target["scorer"]>, path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`${scorer.base}${path}`, { ...init, headers: { authorization: `Bearer ${scorer.adminToken}`, "content-type": "application/json", ...init.headers } });
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * Writes the backup to `out` (JSON lines: a header, the model versions, one line per Redis key, an end line). It is
 * written beside `out` and renamed into place only when complete, so a backup that failed leaves no file behind.
 */
export async function backup(target: Target, out: string, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<BackupReport> {
  const redis = redisOf(target);
  mkdirSync(dirname(out), { recursive: true });
  const partial = `${out}.partial`;
  const file = createWriteStream(partial, { mode: 0o600 });
  const write = (line: BackupLine) => new Promise<void>((resolve, reject) => file.write(`${JSON.stringify(line)}\n`, (e) => (e ? reject(e) : resolve())));
  const report: BackupReport = { keys: 0, models: 0, byWhat: {} };
  try {
    await write({ kind: "header", format: BACKUP_FORMAT, version: BACKUP_VERSION, created_at: new Date().toISOString(), counts: {} });
    // The models first: a restore publishes them before the routing that names them is back.
    if (target.scorer) {
      const listed = await adminJson<{ models?: { version: string; sha256: string }[] }>(target.scorer, "/v1/admin/models");
      if (listed.status !== 200) throw new Error(`GET /v1/admin/models answered ${listed.status}`);
      for (const { version, sha256 } of listed.body.models ?? []) {
        const files = await adminJson<Extract<BackupLine, { kind: "model" }>["files"]>(target.scorer, `/v1/admin/models/${encodeURIComponent(version)}/files`);
        if (files.status !== 200) throw new Error(`GET /v1/admin/models/${version}/files answered ${files.status}`);
        await write({ kind: "model", version, sha256, files: files.body });
        report.models++;
      }
      log(`backup: model registry: ${report.models} versions`);
    } else {
      log("backup: no scorer given (SCORER_URL and ADMIN_TOKEN): the model registry is NOT in this backup");
    }
    const seen = new Set<string>();
    for (const { what, match } of KEPT) {
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, { match, count: 1000 });
        cursor = String(next);
        for (const key of keys) {
          if (seen.has(key)) continue;
          seen.add(key);
          const type = await redis.type(key);
          const value = await read(redis, key, type);
          const ttl = await redis.pttl(key);
          // Gone since the scan (expired, deleted): not in the backup, rather than back without its expiry.
          if (!value || ttl === -2) continue;
          await write({ kind: "redis", key, what, ttl_ms: ttl, ...value });
          report.keys++;
          report.byWhat[what] = (report.byWhat[what] ?? 0) + 1;
        }
      } while (cursor !== "0");
      log(`backup: ${what}: ${report.byWhat[what] ?? 0} keys`);
    }
    await write({ kind: "end", keys: report.keys, models: report.models });
    await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
    renameSync(partial, out);
  } catch (e) {
    file.destroy();
    rmSync(partial, { force: true });
    throw e;
  }
  return report;
}

export interface RestoreReport {
  written: number;
  /** Keys that were there already and were left as they are (without --force). */
  kept: number;
  /** Keys whose time to live had run out since the backup. */
  expired: number;
  /** API key records revoked in the target since the backup: never brought back to life, even with --force. */
  keptRevoked: number;
  modelsPublished: number;
  modelsPresent: number;
}

async function writeValue(redis: Redis, key: string, v: RedisValue, ttlMs: number): Promise<void> {
  const p = redis.multi();
  p.del(key);
  switch (v.type) {
    case "string":
      p.set(key, v.value);
      break;
    case "hash":
      if (Object.keys(v.value).length > 0) p.hset(key, v.value);
      break;
    case "zset":
      for (let i = 0; i < v.value.length; i += 500) {
        const chunk = v.value.slice(i, i + 500).map(([member, score]) => ({ member, score }));
        p.zadd(key, chunk[0]!, ...chunk.slice(1));
      }
      break;
    case "set":
      for (let i = 0; i < v.value.length; i += 500) {
        const chunk = v.value.slice(i, i + 500);
        p.sadd(key, chunk[0]!, ...chunk.slice(1));
      }
      break;
    case "list":
      for (let i = 0; i < v.value.length; i += 500) {
        const chunk = v.value.slice(i, i + 500);
        p.rpush(key, ...chunk);
      }
      break;
  }
  // In the same transaction: the key is never there without its expiry.
  if (ttlMs > 0) p.pexpire(key, ttlMs);
  await p.exec();
}

/** Whether the target's record of an API key is revoked (a restore must not undo a revocation). */
async function revokedThere(redis: Redis, key: string): Promise<boolean> {
  if (!key.startsWith("auth:v1:key:")) return false;
  const current = await redis.get<string>(key);
  try {
    return current !== null && (JSON.parse(current) as { revoked_at?: string }).revoked_at !== undefined;
  } catch {
    return false;
  }
}

/** Reads the whole file once before anything is written: its header and end line, or why it is refused. */
async function check(path: string): Promise<{ created_at: string; keys: number; models: number }> {
  let header: Extract<BackupLine, { kind: "header" }> | undefined;
  let end: Extract<BackupLine, { kind: "end" }> | undefined;
  let keys = 0;
  let models = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (text.trim() === "") continue;
    if (end) throw new Error(`${path} has lines after its end line`);
    const line = JSON.parse(text) as BackupLine;
    if (!header) {
      if (line.kind !== "header" || line.format !== BACKUP_FORMAT || line.version !== BACKUP_VERSION) throw new Error(`${path} is not a version ${BACKUP_VERSION} ${BACKUP_FORMAT} file`);
      header = line;
    } else if (line.kind === "redis") keys++;
    else if (line.kind === "model") models++;
    else if (line.kind === "end") end = line;
  }
  if (!header) throw new Error(`${path} is empty`);
  if (!end) throw new Error(`${path} has no end line: the backup was cut short; nothing restored`);
  if (end.keys !== keys || end.models !== models) throw new Error(`${path} holds ${keys} keys and ${models} models but says ${end.keys} and ${end.models}; nothing restored`);
  return { created_at: header.created_at, keys, models };
}

/**
 * Restores a backup, checked whole first: the model versions (published again through the gates, or found
 * published with the same SHA-256), then every Redis key — an existing one only with `force`, and never over a
 * revoked API key — with the time to live it had left.
 */
export async function restore(target: Target, path: string, opts: { force?: boolean; dryRun?: boolean; log?: (line: string) => void } = {}): Promise<RestoreReport> {
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  const { created_at } = await check(path);
  const redis = redisOf(target);
  const report: RestoreReport = { written: 0, kept: 0, expired: 0, keptRevoked: 0, modelsPublished: 0, modelsPresent: 0 };
  let n = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (text.trim() === "") continue;
    const line = JSON.parse(text) as BackupLine;
    n++;
    if (line.kind === "redis") {
      // The remaining time to live: what the key had then, less the time since.
      const left = line.ttl_ms > 0 ? line.ttl_ms - (Date.now() - Date.parse(created_at)) : line.ttl_ms;
      if (line.ttl_ms > 0 && left <= 0) {
        report.expired++;
        continue;
      }
      if ((await redis.exists(line.key)) === 1) {
        if (!opts.force) {
          report.kept++;
          continue;
        }
        if (await revokedThere(redis, line.key)) {
          report.keptRevoked++;
          continue;
        }
      }
      if (!opts.dryRun) await writeValue(redis, line.key, line as RedisValue, left);
      report.written++;
    } else if (line.kind === "model") {
      if (!target.scorer) {
        log(`restore: model ${line.version} skipped: no scorer to publish it to (SCORER_URL / ADMIN_TOKEN)`);
        continue;
      }
      if (opts.dryRun) continue;
      const res = await adminJson<{ code?: string; detail?: string }>(target.scorer, `/v1/admin/models/${encodeURIComponent(line.version)}`, { method: "PUT", body: JSON.stringify(line.files) });
      if (res.status === 201) report.modelsPublished++;
      else if (res.status === 409 && /published already/.test(res.body.detail ?? "")) {
        // Versions are immutable — but the one there must be this one, not another model under its name.
        const listed = await adminJson<{ models?: { version: string; sha256: string }[] }>(target.scorer, "/v1/admin/models");
        const there = listed.body.models?.find((m) => m.version === line.version)?.sha256;
        const mine = createHash("sha256").update(Buffer.from(line.files.onnx_base64, "base64")).digest("hex");
        if (there !== mine) throw new Error(`model ${line.version} is published there with another ONNX file (sha256 ${there ?? "?"}, the backup's ${mine}); stopped before the Redis keys`);
        report.modelsPresent++;
      } else throw new Error(`publishing ${line.version} answered ${res.status}: ${res.body.code ?? ""} ${res.body.detail ?? ""}; stopped before the Redis keys`);
    }
    if (n % 1000 === 0) log(`restore: ${n} lines …`);
  }
  return report;
}

/**
 * Redis from UPSTASH_REDIS_REST_*, the scorer from SCORER_URL / ADMIN_TOKEN. The local dev server's address and
 * token are assumed only when Redis is the local stack's too: a backup of a real deployment never reads, or
 * publishes into, a registry on this machine by default.
 */
export function targetFromEnv(env: NodeJS.ProcessEnv, url?: string, models = true): Target {
  const redisUrl = env.UPSTASH_REDIS_REST_URL ?? `http://127.0.0.1:${LOCAL_DEFAULTS.redisRestPort}`;
  const scorer = targetOf(url, env);
  const explicit = url !== undefined || env.SCORER_URL !== undefined;
  if (models && !isLoopback(redisUrl) && !explicit) throw new Error("set SCORER_URL and ADMIN_TOKEN (the deployment whose Redis this is), or pass --no-models");
  if (models && !scorer.adminToken) throw new Error("set ADMIN_TOKEN for the model registry, or pass --no-models");
  return {
    redis: { url: redisUrl, token: env.UPSTASH_REDIS_REST_TOKEN ?? LOCAL_DEFAULTS.redisToken },
    ...(models && scorer.adminToken && { scorer: { base: scorer.base, adminToken: scorer.adminToken } }),
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: "string" },
      url: { type: "string" },
      force: { type: "boolean", default: false },
      "dry-run": { type: "boolean", default: false },
      "no-models": { type: "boolean", default: false },
    },
  });
  const [command, file] = positionals;
  const target = targetFromEnv(process.env, values.url, !values["no-models"]);
  if (command === "backup") {
    const out = values.out ?? `backups/backup-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl`;
    const report = await backup(target, out);
    console.log(`backup: ${report.keys} Redis keys and ${report.models} model versions → ${out}`);
    return;
  }
  if (command === "restore") {
    if (!file || !existsSync(file)) throw new Error("usage: npm run restore -- <backup.jsonl> [--force] [--dry-run]");
    const r = await restore(target, file, { force: values.force, dryRun: values["dry-run"] });
    console.log(
      `restore${values["dry-run"] ? " (dry run)" : ""}: ${r.written} keys written, ${r.kept} kept as they were${r.kept > 0 && !values.force ? " (--force overwrites them)" : ""}, ${r.keptRevoked} revoked API keys left revoked, ${r.expired} expired since; models: ${r.modelsPublished} published, ${r.modelsPresent} there already`,
    );
    return;
  }
  throw new Error("usage: npm run backup -- [--out file] | npm run restore -- <file> [--force] [--dry-run]");
}

if (isMain(import.meta.url)) runMain(main, (e) => `backup: ${e instanceof Error ? e.message : String(e)}`);
