import type { AlertSink, TopicRecord } from "../alerts/sink/interface";
import type { KeyAuth } from "../auth/authenticate";
import { ApiError } from "../errors/problem";
import { runDecisions, type PipelineDeps } from "../pipeline";
import type { StoreItem } from "../store/interface";
import type { PassReport } from "../schemas/stream";
import { parseRecords } from "./records";
import { deadLetter, resultRecord } from "./results";
import type { Position, SourceRecord, TopicSource } from "./source/interface";

/** What a pass needs: the pipeline's backends, the key verification, the topic, and where answers go. */
export interface StreamDeps {
  pipeline: PipelineDeps;
  auth: KeyAuth;
  source: TopicSource;
  /** The results topic (STREAM_RESULTS_TOPIC). */
  results: AlertSink;
  /** The dead-letter topic (STREAM_DLQ_TOPIC). */
  deadLetters: AlertSink;
}

export interface PassOptions {
  /** Stop fetching once this long has passed (the invocation's budget, below the cron's minute). */
  budgetMs: number;
  /** Records per fetched batch. */
  batch: number;
  /** How long a fetch waits for records when none are there: a short wait ends an idle pass quickly. */
  fetchTimeoutMs?: number;
  /** At most this long for producing a batch's answers (retries included; never past the budget, but at least 1 s) before the pass gives up uncommitted. */
  produceBudgetMs?: number;
}

/**
 * One pass of the stream consumer (docs/streams.md): from the group's committed offsets, fetch a batch, score it
 * through THE pipeline (one store round trip for the whole batch, whatever its merchants), wait for the
 * after-answer work (stored answers, alerts, analytics), produce every answer and dead letter, and only then
 * commit — and again, until the topic is drained or the budget spent. A failure anywhere before the commit leaves
 * the batch to be delivered again: its records are then answered from the idempotency store, not counted twice.
 */
export async function runPass(deps: StreamDeps, opts: PassOptions): Promise<PassReport> {
  const started = performance.now();
  const report: PassReport = { batches: 0, records: 0, scored: 0, replayed: 0, dead: 0, stalled: [], lag: 0, ms: 0, per_second: 0 };
  let positions: Position[] = [];
  try {
    positions = await deps.source.positions();
    const atStart = positions;
    let open = positions;
    while (open.length > 0 && performance.now() - started < opts.budgetMs) {
      const records = await deps.source.fetch(open, opts.batch, opts.fetchTimeoutMs ?? 500);
      if (records.length === 0) break;
      // Producing gets what is left of the budget (at least a second), so a down topic cannot hold the pass for long.
      const left = opts.budgetMs - (performance.now() - started);
      const batch = await scoreBatch(records, deps, Math.max(1_000, Math.min(opts.produceBudgetMs ?? 20_000, left)));
      const next = advance(open, records, batch.stallAt);
      const moved = next.filter((p) => open.find((o) => o.partition === p.partition)!.offset !== p.offset);
      await deps.source.commit(moved);
      report.batches += 1;
      report.records += batch.handled;
      report.scored += batch.scored;
      report.replayed += batch.replayed;
      report.dead += batch.dead;
      report.stalled.push(...batch.stallAt.keys());
      positions = positions.map((p) => next.find((n) => n.partition === p.partition) ?? p);
      // A stalled partition waits for the next pass: its stalled record is what it would fetch again.
      open = next.filter((p) => !batch.stallAt.has(p.partition));
    }
    // Partitions the pass did not move are committed again where they stand: Kafka forgets a group's offsets
    // after its retention (7 days by default), and a quiet partition would then start over.
    if (atStart.length > 0) await deps.source.commit(positions.filter((p) => atStart.some((s) => s.partition === p.partition && s.offset === p.offset)));
  } catch (e) {
    report.error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  report.lag = await lagOf(deps.source, positions);
  report.ms = Math.round(performance.now() - started);
  report.per_second = report.ms > 0 ? Math.round((report.records / report.ms) * 1000) : 0;
  return report;
}

interface BatchOutcome {
  /** Records answered or dead-lettered (committed past). */
  handled: number;
  scored: number;
  replayed: number;
  dead: number;
  /** Per partition, the first record that must be read again. */
  stallAt: Map<number, number>;
}

async function scoreBatch(records: readonly SourceRecord[], deps: StreamDeps, produceBudgetMs: number): Promise<BatchOutcome> {
  const startedAt = performance.now();
  const parsed = await parseRecords(records, deps.auth, Date.now());
  // A transaction twice in one batch (a producer's retry) is scored once; the later copies take its answer.
  const first = new Map<string, number>();
  const items: StoreItem[] = [];
  const slot = parsed.map((p) => {
    if (p.kind !== "item") return -1;
    const seen = first.get(p.item.idempotencyKey);
    if (seen !== undefined) return seen;
    first.set(p.item.idempotencyKey, items.length);
    items.push(p.item);
    return items.length - 1;
  });
  const after: Promise<unknown>[] = [];
  const run = items.length > 0 ? await runDecisions(items, deps.pipeline, { startedAt, waitUntil: (w) => after.push(w) }) : undefined;
  if (run?.degraded.includes("features") && deps.pipeline.store.kind !== "not_configured") {
    // Over HTTP a checkout cannot wait, so it gets neutral behaviour; a stream can: the batch is left uncommitted
    // (what the failed call may have recorded is undone by the release it started) and fetched again next pass.
    await Promise.allSettled(after);
    throw new Error("the feature store did not answer; the batch is left for the next pass");
  }

  const stallAt = new Map<number, number>();
  const stall = (r: SourceRecord) => {
    if (!stallAt.has(r.partition) || stallAt.get(r.partition)! > r.offset) stallAt.set(r.partition, r.offset);
  };
  const answers: { record: SourceRecord; out: TopicRecord; kind: "scored" | "replayed" }[] = [];
  const dead: { record: SourceRecord; out: TopicRecord }[] = [];
  parsed.forEach((p, n) => {
    if (p.kind === "retry") stall(p.record);
    else if (p.kind === "dead") dead.push({ record: p.record, out: deadLetter(p.record, p.problem, p.redacted) });
    else {
      const o = run!.outcomes[slot[n]!]!;
      const copy = items[slot[n]!] !== p.item;
      const merchant = p.item.input.tx.merchant.id;
      if (copy && items[slot[n]!]!.fingerprint !== p.item.fingerprint) {
        dead.push({ record: p.record, out: deadLetter(p.record, new ApiError("idempotency_key_reused").toProblem(), false) });
      } else if (o.kind === "in_progress") stall(p.record);
      else if (o.kind === "conflict") dead.push({ record: p.record, out: deadLetter(p.record, new ApiError("idempotency_key_reused").toProblem(), false) });
      else {
        const result = copy && o.kind === "scored" ? { ...o.result, replayed: true } : o.result;
        answers.push({ record: p.record, out: resultRecord(p.record, merchant, result), kind: o.kind === "replay" || copy ? "replayed" : "scored" });
      }
    }
  });
  // Committed past means answered: only what lies before each partition's stall counts as handled.
  const before = (r: SourceRecord) => !stallAt.has(r.partition) || r.offset < stallAt.get(r.partition)!;
  const keptAnswers = answers.filter((a) => before(a.record));
  const keptDead = dead.filter((d) => before(d.record));

  // The answers are stored (idempotency) before the offsets move: a redelivery after the commit cannot happen, and
  // one before it is answered from the store.
  await Promise.allSettled(after);
  const signal = AbortSignal.timeout(produceBudgetMs);
  await Promise.all([
    deps.results.produceRecords(keptAnswers.map((a) => a.out), signal),
    deps.deadLetters.produceRecords(keptDead.map((d) => d.out), signal),
  ]);
  return {
    handled: keptAnswers.length + keptDead.length,
    scored: keptAnswers.filter((a) => a.kind === "scored").length,
    replayed: keptAnswers.filter((a) => a.kind === "replayed").length,
    dead: keptDead.length,
    stallAt,
  };
}

/** Each partition's next position: past its last fetched record, or at its first stalled one. */
function advance(from: readonly Position[], records: readonly SourceRecord[], stallAt: ReadonlyMap<number, number>): Position[] {
  return from.map((p) => {
    const stalled = stallAt.get(p.partition);
    if (stalled !== undefined) return { partition: p.partition, offset: stalled };
    const last = records.filter((r) => r.partition === p.partition).reduce((m, r) => Math.max(m, r.offset), -1);
    return { partition: p.partition, offset: last >= 0 ? last + 1 : p.offset };
  });
}

async function lagOf(source: TopicSource, positions: readonly Position[]): Promise<number> {
  try {
    const ends = await source.ends(positions.map((p) => p.partition));
    return ends.reduce((sum, e) => sum + Math.max(0, e.offset - (positions.find((p) => p.partition === e.partition)?.offset ?? 0)), 0);
  } catch {
    return -1;
  }
}

