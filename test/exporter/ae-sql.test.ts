import fc from "fast-check";
import { beforeEach, describe, expect, inject, it } from "vitest";
import { z } from "zod";
import { binExpression, binOf } from "../../src/analytics/histogram";
import { AeSqlClient } from "../../workers/metrics-exporter/src/ae-sql-client";
import { sqlString } from "../../workers/metrics-exporter/src/queries";
import { resetAe, storePoints } from "./ae-local";

/**
 * The local Analytics Engine SQL API stand-in, through the exporter's own client. AE has no local equivalent
 * (miniflare drops writeDataPoint, and there is no SQL endpoint), so these pin the stand-in to the API's
 * documented FORMAT JSON shape and to the dialect the exporter relies on.
 */
const client = () => new AeSqlClient(inject("aeSqlUrl"), inject("aeSqlToken"));
const raw = (sql: string, token = inject("aeSqlToken")) => fetch(inject("aeSqlUrl"), { method: "POST", headers: { authorization: `Bearer ${token}` }, body: sql });
const now = Date.now();

describe("local AE SQL API stand-in", () => {
  beforeEach(resetAe);

  it("answers FORMAT JSON as documented: meta, data, rows, and rows_before_limit_at_least under LIMIT", async () => {
    await storePoints([
      { point: { indexes: ["m_a"], blobs: ["approve"], doubles: [0.1, 2, 10, 1] }, at: now - 60_000 },
      { point: { indexes: ["m_a"], blobs: ["decline"], doubles: [0.9, 3, 20, 1] }, at: now - 60_000, sampleInterval: 4 },
      { point: { indexes: ["m_b"], blobs: ["approve"], doubles: [0.2, 4, 30, 1] }, at: now - 60_000 },
    ]);
    const res = await raw(
      "SELECT index1 AS merchant, SUM(_sample_interval) AS n, SUM(_sample_interval * double1) AS s FROM fraud_decisions " +
        "WHERE timestamp > NOW() - INTERVAL '5' MINUTE GROUP BY merchant ORDER BY n DESC LIMIT 1 FORMAT JSON",
    );
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toEqual({
      meta: [
        { name: "merchant", type: "String" },
        { name: "n", type: "UInt64" },
        { name: "s", type: "Float64" },
      ],
      // ClickHouse quotes 64-bit integers in JSON; the exporter's row schemas coerce them.
      data: [{ merchant: "m_a", n: "5", s: expect.closeTo(3.7, 9) }],
      rows: 1,
      rows_before_limit_at_least: 2,
    });
  });

  it("filters on the time window and reports truncation through the client", async () => {
    await storePoints([
      { point: { indexes: ["m_old"], blobs: ["approve"], doubles: [0, 0, 0, 1] }, at: now - 3_600_000 },
      { point: { indexes: ["m_new"], blobs: ["approve"], doubles: [0, 0, 0, 1] }, at: now - 10_000 },
      { point: { indexes: ["m_new2"], blobs: ["approve"], doubles: [0, 0, 0, 1] }, at: now - 10_000 },
    ]);
    const row = z.object({ merchant: z.string() });
    const all = await client().query("SELECT index1 AS merchant FROM fraud_decisions WHERE timestamp > NOW() - INTERVAL '5' MINUTE ORDER BY merchant", row);
    expect(all).toEqual({ rows: [{ merchant: "m_new" }, { merchant: "m_new2" }], truncated: false });
    const cut = await client().query("SELECT index1 AS merchant FROM fraud_decisions ORDER BY merchant LIMIT 1", row);
    expect(cut).toEqual({ rows: [{ merchant: "m_new" }], truncated: true });
  });

  it("evaluates binExpression exactly as binOf bins (the card's convention), edges included", async () => {
    const edges = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 0.95];
    const values = fc.sample(fc.oneof(fc.double({ min: -1, max: 2, noNaN: true }), fc.constantFrom(...edges)), 300);
    await storePoints(values.map((v) => ({ point: { indexes: ["m"], blobs: [], doubles: [v] }, at: now })));
    const { rows } = await client().query(
      `SELECT double1 AS v, ${binExpression("double1", edges)} AS bin FROM fraud_decisions`,
      z.object({ v: z.number(), bin: z.coerce.number() }),
    );
    expect(rows).toHaveLength(values.length);
    for (const r of rows) expect(r.bin).toBe(binOf(edges, r.v));
  });

  it("reads string literals the way sqlString writes them (quotes and backslashes in merchant ids)", async () => {
    const tricky = "m_o'brien\\x";
    await storePoints([
      { point: { indexes: [tricky], blobs: [], doubles: [] }, at: now },
      { point: { indexes: ["m_plain"], blobs: [], doubles: [] }, at: now },
    ]);
    const { rows } = await client().query(`SELECT index1 AS merchant FROM fraud_decisions WHERE index1 IN (${sqlString(tricky)})`, z.object({ merchant: z.string() }));
    expect(rows).toEqual([{ merchant: tricky }]);
  });

  it("answers quantileExactWeighted(q)(value, weight) as ClickHouse does (the dashboard's latency panels)", async () => {
    // Values 1..4 with weights 1, 1, 1, 7: p50 and p90 fall on the heavy 4, p10 on 1, p30 on 3.
    await storePoints([1, 2, 3, 4].map((v, i) => ({ point: { indexes: ["m"], blobs: [], doubles: [0, v] }, at: now, sampleInterval: i === 3 ? 7 : 1 })));
    const q = (x: number) => `quantileExactWeighted(${x})(double2, _sample_interval)`;
    const { rows } = await client().query(
      `SELECT ${q(0.1)} AS p10, ${q(0.3)} AS p30, ${q(0.5)} AS p50, ${q(0.9)} AS p90 FROM fraud_decisions`,
      z.object({ p10: z.number(), p30: z.number(), p50: z.number(), p90: z.number() }),
    );
    expect(rows).toEqual([{ p10: 1, p30: 3, p50: 4, p90: 4 }]);
  });

  it("refuses a wrong token (401) and SQL outside its dialect (4xx with a message), as the client reports", async () => {
    expect((await raw("SELECT 1 AS one FROM fraud_decisions", "wrong")).status).toBe(401);
    const bad = await raw("SELECT uniqExact(double1) FROM fraud_decisions");
    expect(bad.status).toBe(422);
    await expect(client().query("SELECT nope(double1) AS x FROM fraud_decisions", z.object({}))).rejects.toMatchObject({ code: "http", status: 422 });
  });
});
