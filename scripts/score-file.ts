/**
 * `npm run score-file -- in.csv|in.jsonl --out out.csv`: a file of transactions scored through POST /v1/score/batch.
 *
 *   npm run score-file -- <in.csv|in.jsonl> --out <out.csv> [--batch 100] [--concurrency 4] [--target URL]
 *       [--keep-created-at] [--key-merchant] [--restart]
 *
 * - Input: JSON lines, one transaction per line as POST /v1/score takes it; or CSV with the columns `npm run
 *   generate -- --format csv` writes (transaction_id, amount, currency, merchant_id, card_fingerprint, … — extra
 *   columns such as label and typology are ignored). `created_at` is dropped unless `--keep-created-at`: the scorer
 *   takes event time as receive time and refuses a time more than minutes off, and a file is usually history.
 * - `--key-merchant`: each row's `merchant.id` is dropped, so the key's merchant applies (a generated stream names
 *   hundreds of merchants; a key scores for its own only, and another merchant's row is a `forbidden` error row).
 * - Output: CSV, one row per input row, in input order: transaction_id, status (scored | error), score, decision,
 *   risk_level, reasons (codes, `|`-separated), degraded, error_code, error_path (the field within the row). A row the scorer refuses (a
 *   validation error, a card number) is an `error` row with the problem's code and field, never a stop.
 * - Bounded: at most `--concurrency` batches in flight, streamed in and out, so memory does not grow with the file.
 * - Retries: a network error, a 5xx or a 429 (after its Retry-After) sends the same batch again, up to 5 times. Each
 *   transaction's id is its idempotency key, so a retried batch is answered from the store, never counted twice.
 * - Resumable: `<out>.checkpoint` holds how many input rows are in the output and its length then; run the same
 *   command again after an interruption and it cuts the output back to that length (rows written after the last
 *   checkpoint would be repeated otherwise) and goes on from there (`--restart` starts over).
 * - Target: SCORER_URL / --target, SCORER_API_KEY (default on loopback: the demo replay key).
 */
import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync, truncateSync, writeFileSync, type WriteStream } from "node:fs";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { isMain, runMain } from "./cli";
import { csvField } from "./data/format";
import { targetOf } from "./local-target";

export interface ScoreFileOptions {
  input: string;
  output: string;
  batch: number;
  concurrency: number;
  base: string;
  apiKey: string;
  keepCreatedAt: boolean;
  /** Drop each row's merchant.id: the key's merchant applies. */
  keyMerchant?: boolean;
  restart: boolean;
  /** Progress lines (default: stderr once a second). */
  log?: (line: string) => void;
}

export interface ScoreFileReport {
  rows: number;
  scored: number;
  errors: number;
  skipped: number;
  retries: number;
  seconds: number;
}

export const OUTPUT_COLUMNS = ["transaction_id", "status", "score", "decision", "risk_level", "reasons", "degraded", "error_code", "error_path"] as const;
const MAX_ATTEMPTS = 5;

/** One CSV line's fields (RFC 4180 quoting; a record does not span lines). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') (field += '"'), i++;
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") out.push(field), (field = "");
    else field += ch;
  }
  out.push(field);
  return out;
}


/** A generator-CSV row as the API's transaction: empty cells are absent, numbers are numbers. */
export function transactionFromCsv(row: Record<string, string>): Record<string, unknown> {
  const v = (k: string) => (row[k] === undefined || row[k] === "" ? undefined : row[k]);
  const n = (k: string) => (v(k) === undefined ? undefined : Number(v(k)));
  const compact = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined));
  const nested = (o: Record<string, unknown>) => (Object.values(o).some((x) => x !== undefined) ? compact(o) : undefined);
  return compact({
    transaction_id: v("transaction_id"),
    amount: n("amount"),
    currency: v("currency"),
    merchant: nested({ id: v("merchant_id"), category: v("merchant_category"), country: v("merchant_country"), timezone: v("merchant_timezone") }),
    card: nested({ fingerprint: v("card_fingerprint"), bin: v("card_bin"), country: v("card_country") }),
    customer: nested({ id: v("customer_id"), email_domain: v("customer_email_domain"), account_age_days: n("customer_account_age_days") }),
    device: nested({ id: v("device_id"), ip: v("device_ip"), ip_country: v("device_ip_country"), asn: n("device_asn") }),
    billing_country: v("billing_country"),
    shipping_country: v("shipping_country"),
    channel: v("channel"),
    created_at: v("created_at"),
  });
}

/** The input's transactions, in order; a line that is not JSON / CSV becomes an error row of its own. */
export async function* transactions(path: string, keepCreatedAt: boolean, keyMerchant: boolean): AsyncGenerator<{ tx?: Record<string, unknown>; bad?: string }> {
  const csv = path.endsWith(".csv");
  let header: string[] | undefined;
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line.trim() === "") continue;
    if (csv && !header) {
      header = parseCsvLine(line);
      continue;
    }
    let tx: Record<string, unknown>;
    try {
      if (csv) {
        const cells = parseCsvLine(line);
        tx = transactionFromCsv(Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ""])));
      } else {
        const parsed = JSON.parse(line) as unknown;
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
        // A generated stream's line carries the transaction under `tx`.
        tx = ("tx" in parsed && typeof parsed.tx === "object" ? parsed.tx : parsed) as Record<string, unknown>;
      }
    } catch {
      yield { bad: csv ? "csv_unreadable" : "json_unreadable" };
      continue;
    }
    if (!keepCreatedAt) delete tx.created_at;
    if (keyMerchant && tx.merchant && typeof tx.merchant === "object") {
      const { id: _id, ...rest } = tx.merchant as Record<string, unknown>;
      tx.merchant = rest;
    }
    yield { tx };
  }
}

interface Problem {
  code?: string;
  errors?: { path?: string; code?: string }[];
}
type Result = { transaction_id?: string; score?: number; decision?: string; risk_level?: string; reasons?: { code: string }[]; degraded?: string[]; error?: Problem };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** POST one batch, with retries on what may pass (network, 5xx, 429); a 4xx for the whole body is every row's error. */
async function scoreBatch(opts: ScoreFileOptions, txs: Record<string, unknown>[], report: ScoreFileReport): Promise<Result[]> {
  for (let attempt = 1; ; attempt++) {
    let retryAfterMs = Math.min(8_000, 250 * 2 ** attempt);
    try {
      const res = await fetch(`${opts.base}/v1/score/batch`, {
        method: "POST",
        headers: { authorization: `Bearer ${opts.apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ transactions: txs }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await res.json().catch(() => ({}))) as { results?: Result[] } & Problem;
      if (res.ok && Array.isArray(body.results)) {
        // An item still being answered by an earlier attempt (idempotency_in_progress) is asked again.
        if (!body.results.some((r) => r.error?.code === "idempotency_in_progress") || attempt >= MAX_ATTEMPTS) return body.results;
      } else if (res.status < 500 && res.status !== 429) {
        return txs.map((t) => ({ transaction_id: t.transaction_id as string | undefined, error: body }));
      } else if (res.status === 429) {
        retryAfterMs = Math.max(retryAfterMs, Number(res.headers.get("retry-after") ?? 1) * 1000);
      }
      if (attempt >= MAX_ATTEMPTS) return txs.map((t) => ({ transaction_id: t.transaction_id as string | undefined, error: { code: `http_${res.status}` } }));
    } catch (e) {
      if (attempt >= MAX_ATTEMPTS) return txs.map((t) => ({ transaction_id: t.transaction_id as string | undefined, error: { code: "network_error", errors: [{ path: String(e instanceof Error ? e.message : e) }] } }));
    }
    report.retries++;
    await sleep(retryAfterMs);
  }
}

function outputRow(r: Result, fallbackId: string | undefined): string {
  const e = r.error;
  const cells = e
    ? [r.transaction_id ?? fallbackId, "error", "", "", "", "", "", e.code ?? "error", e.errors?.map((x) => x.path?.replace(/^transactions\[\d+\]\.?/, "")).filter(Boolean).join("|") ?? ""]
    : [r.transaction_id, "scored", r.score, r.decision, r.risk_level, (r.reasons ?? []).map((x) => x.code).join("|"), (r.degraded ?? []).join("|"), "", ""];
  return `${cells.map((c) => csvField(c as string | number | undefined)).join(",")}\n`;
}

const write = (out: WriteStream, text: string) => new Promise<void>((resolve, reject) => out.write(text, (e) => (e ? reject(e) : resolve())));

export async function scoreFile(opts: ScoreFileOptions): Promise<ScoreFileReport> {
  const started = Date.now();
  const checkpoint = `${opts.output}.checkpoint`;
  const [done, length] = !opts.restart && existsSync(checkpoint) && existsSync(opts.output) ? readFileSync(checkpoint, "utf8").trim().split(" ").map(Number) : [0, 0];
  if (done! > 0) truncateSync(opts.output, length);
  const out = createWriteStream(opts.output, { flags: done! > 0 ? "a" : "w" });
  let bytes = done! > 0 ? length! : 0;
  if (done === 0) {
    const header = `${OUTPUT_COLUMNS.join(",")}\n`;
    await write(out, header);
    bytes += Buffer.byteLength(header);
  }
  const report: ScoreFileReport = { rows: done!, scored: 0, errors: 0, skipped: done!, retries: 0, seconds: 0 };
  const log = opts.log ?? ((l: string) => process.stderr.write(`${l}\n`));
  let lastLog = 0;
  const progress = (force = false) => {
    if (!force && Date.now() - lastLog < 1000) return;
    lastLog = Date.now();
    log(`score-file: ${report.rows} rows written (${report.scored} scored, ${report.errors} errors, ${report.retries} retries), ${((Date.now() - started) / 1000).toFixed(0)} s`);
  };

  // Batches go out up to `concurrency` at once and are written in input order, each followed by the checkpoint.
  // Counted when written, not when answered: the checkpoint must never count a row the output does not hold.
  const inFlight: Promise<{ text: string; rows: number; scored: number; errors: number }>[] = [];
  const flushOne = async () => {
    const { text, rows, scored, errors } = await inFlight.shift()!;
    await write(out, text);
    report.rows += rows;
    report.scored += scored;
    report.errors += errors;
    bytes += Buffer.byteLength(text);
    writeFileSync(`${checkpoint}.tmp`, `${report.rows} ${bytes}`);
    renameSync(`${checkpoint}.tmp`, checkpoint);
    progress();
  };
  const send = (rows: { tx?: Record<string, unknown>; bad?: string }[]) => {
    const good = rows.filter((r) => r.tx).map((r) => r.tx!);
    const answered = good.length > 0 ? scoreBatch(opts, good, report) : Promise.resolve([] as Result[]);
    inFlight.push(
      answered.then((results) => {
        let k = 0;
        let text = "";
        let errors = 0;
        for (const r of rows) {
          const result: Result = r.bad ? { error: { code: r.bad } } : (results[k++] ?? { error: { code: "no_result" } });
          if (result.error) errors++;
          text += outputRow(result, r.tx?.transaction_id as string | undefined);
        }
        return { text, rows: rows.length, scored: rows.length - errors, errors };
      }),
    );
  };

  let skip = done!;
  let batch: { tx?: Record<string, unknown>; bad?: string }[] = [];
  for await (const row of transactions(opts.input, opts.keepCreatedAt, opts.keyMerchant ?? false)) {
    if (skip > 0) {
      skip--;
      continue;
    }
    batch.push(row);
    if (batch.length === opts.batch) {
      send(batch);
      batch = [];
      while (inFlight.length >= opts.concurrency) await flushOne();
    }
  }
  if (batch.length > 0) send(batch);
  while (inFlight.length > 0) await flushOne();
  await new Promise<void>((resolve) => out.end(resolve));
  report.seconds = Math.round((Date.now() - started) / 100) / 10;
  progress(true);
  return report;
}

if (isMain(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      out: { type: "string" },
      batch: { type: "string", default: "100" },
      concurrency: { type: "string", default: "4" },
      target: { type: "string" },
      "keep-created-at": { type: "boolean", default: false },
      "key-merchant": { type: "boolean", default: false },
      restart: { type: "boolean", default: false },
    },
  });
  runMain(async () => {
    const input = positionals[0];
    if (!input || !values.out) throw new Error("usage: npm run score-file -- <in.csv|in.jsonl> --out <out.csv> [--batch 100] [--concurrency 4] [--target URL] [--keep-created-at] [--key-merchant] [--restart]");
    const batch = Number(values.batch);
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(batch) || batch < 1 || batch > 1000) throw new Error("--batch takes 1 to 1000");
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) throw new Error("--concurrency takes 1 to 32");
    const target = targetOf(values.target, process.env);
    if (!target.apiKey) throw new Error("set SCORER_API_KEY (a secret key with the score:batch scope) for a scorer that is not on this machine");
    const report = await scoreFile({ input, output: values.out, batch, concurrency, base: target.base, apiKey: target.apiKey, keepCreatedAt: values["keep-created-at"], keyMerchant: values["key-merchant"], restart: values.restart });
    console.log(`score-file: ${report.rows} rows in ${values.out} (${report.scored} scored, ${report.errors} errors${report.skipped ? `, ${report.skipped} already there from an earlier run` : ""}, ${report.retries} retries) in ${report.seconds} s`);
  }, (e) => `score-file: ${e instanceof Error ? e.message : String(e)}`);
}
