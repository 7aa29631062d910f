import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FraudScorer, ProblemError } from "../../client/src/index";
import { scoreAll } from "../../examples/client/batch";
import { checkout, sampleTransaction } from "../../examples/client/checkout";
import { reportChargeback } from "../../examples/client/feedback";
import { fetchDocument, SCHEMA_PATH, typesOf } from "../../scripts/client/generate";
import { REPLAY_KEY, seedKeys } from "../../scripts/seed-demo";
import { startE2E, type E2E } from "./harness";

/**
 * The typed client (client/) against the Worker and the local stack: its types are what openapi-typescript makes
 * of the live /openapi.json today (a route or schema changed without `npm run client:generate` fails here), and
 * the examples in examples/client run as a merchant's server would run them.
 */
let e2e: E2E;
let scorer: FraudScorer;

beforeAll(async () => {
  e2e = await startE2E();
  await seedKeys(e2e.stack.env, [REPLAY_KEY]);
  scorer = new FraudScorer({ baseUrl: e2e.api, apiKey: REPLAY_KEY.key });
}, 120_000);

afterAll(async () => {
  await e2e?.stop();
});

describe("the typed client", () => {
  it("its types are the live OpenAPI document's: client/src/schema.d.ts has not drifted", async () => {
    const generated = await typesOf(await fetchDocument(e2e.api));
    expect(generated === readFileSync(SCHEMA_PATH, "utf8"), "client/src/schema.d.ts is stale: run npm run client:generate").toBe(true);
  });

  it("the checkout example scores a payment and acts on it; a bad one is a typed problem naming its field", async () => {
    const done = await checkout(scorer, sampleTransaction());
    expect(["capture", "capture_and_review", "challenge_3ds", "refuse"]).toContain(done.action);
    expect(done.score).toBeGreaterThanOrEqual(0);
    const err = await checkout(scorer, sampleTransaction({ amount: -1 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProblemError);
    expect([(err as ProblemError).status, (err as ProblemError).code, (err as ProblemError).errors[0]?.path]).toEqual([400, "validation_failed", "amount"]);
  });

  it("the checkout example does not fail the sale when the scorer cannot be reached", async () => {
    const nowhere = new FraudScorer({ baseUrl: "http://127.0.0.1:9", apiKey: REPLAY_KEY.key, retry: { retries: 1, baseDelayMs: 10, timeoutMs: 500 } });
    expect(await checkout(nowhere, sampleTransaction())).toEqual({ action: "capture_and_review", reasons: ["scorer_unavailable"] });
  });

  it("the batch example scores in batches; an invalid row comes back as an error naming its field", async () => {
    const txs = Array.from({ length: 250 }, (_, i) => sampleTransaction(i === 120 ? ({ currency: "usd" } as never) : {}));
    const out = await scoreAll(scorer, txs);
    expect(out.scored).toBe(249);
    expect(out.errors).toEqual([{ transaction_id: txs[120]!.transaction_id, code: "validation_failed", field: "transactions[20].currency" }]);
  });

  it("the feedback example reports a chargeback on a scored transaction; the same report again is a duplicate", async () => {
    const tx = sampleTransaction();
    const scored = await scorer.score(tx);
    // A retry of the score itself is the stored answer (the transaction id is the idempotency key).
    expect((await scorer.score(tx)).score).toBe(scored.score);
    expect(await reportChargeback(scorer, tx.transaction_id)).toBe("applied");
    // The very same label (source and learnt_at too) a second time, on another transaction: counted once.
    const other = sampleTransaction();
    await scorer.score(other);
    const learnt = new Date(Date.now() - 60_000).toISOString();
    const report = (id: string) => scorer.feedback([{ transaction_id: id, label: "fraud", source: "chargeback", reason_code: "10.4", learnt_at: learnt }]);
    expect((await report(other.transaction_id)).results[0]).toMatchObject({ status: "applied" });
    expect((await report(other.transaction_id)).results[0]).toMatchObject({ status: "duplicate" });
    const unknown = await report("txn_never_scored_here");
    expect(JSON.stringify(unknown.results[0])).toContain("not_found");
  });
});
