import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { TransactionSchema } from "../../../src/schemas/transaction";
import { price } from "../../../scripts/data/record";
import { TYPOLOGIES, generateStream, type StreamRecord } from "../../../scripts/data/stream";
import { HOSTING_ASNS } from "../../../src/features/lists";

/** The synthetic stream: schema-valid, time-ordered, reproducible, with the planted fraud mix. */
const ROWS = 30_000;
const digest = (rs: StreamRecord[]) => createHash("sha256").update(JSON.stringify(rs)).digest("hex");
const stream = (seed: number, rows = ROWS) => [...generateStream({ seed, rows })];
const records = stream(7);

describe("generateStream", () => {
  it("produces exactly the requested rows, in time order, with t equal to created_at", () => {
    expect(records).toHaveLength(ROWS);
    for (let i = 1; i < records.length; i++) expect(records[i]!.t).toBeGreaterThanOrEqual(records[i - 1]!.t);
    for (const r of records.slice(0, 500)) expect(Date.parse(r.tx.created_at!)).toBe(r.t);
  });

  it("emits transactions the API schema accepts (a sample of every typology)", () => {
    const sample: StreamRecord[] = [];
    for (const typology of TYPOLOGIES) sample.push(...records.filter((r) => r.typology === typology).slice(0, 150));
    sample.push(...records.filter((_, i) => i % 97 === 0));
    for (const r of sample) {
      const parsed = TransactionSchema.safeParse(r.tx);
      expect(parsed.success, JSON.stringify({ tx: r.tx, issues: parsed.error?.issues })).toBe(true);
      expect(typeof r.edge.country).toBe("string");
      expect(Number.isInteger(r.edge.asn)).toBe(true);
      expect(r.edge.colo).toMatch(/^[A-Z]{3}$/);
    }
  });

  it("has a fraud rate of 0.5–2% and every typology", () => {
    const fraud = records.filter((r) => r.label === 1).length / ROWS;
    expect(fraud).toBeGreaterThan(0.005);
    expect(fraud).toBeLessThan(0.02);
    for (const typology of TYPOLOGIES) expect(records.some((r) => r.typology === typology), typology).toBe(true);
    // label noise both ways
    expect(records.some((r) => r.typology !== "legit" && r.typology !== "friendly_fraud" && r.label === 0)).toBe(true);
    expect(records.every((r) => r.typology !== "friendly_fraud" || r.label === 1)).toBe(true);
  });

  it("is reproducible from its seed, and the seed matters", () => {
    expect(digest(stream(7, 3000))).toBe(digest(stream(7, 3000)));
    expect(digest(stream(8, 3000))).not.toBe(digest(stream(7, 3000)));
  });

  it("puts hosting networks in both classes, but far more often in fraud", () => {
    const hostingShare = (rs: StreamRecord[]) => rs.filter((r) => HOSTING_ASNS.has(r.edge.asn)).length / Math.max(1, rs.length);
    const legit = records.filter((r) => r.typology === "legit");
    const fraud = records.filter((r) => r.typology !== "legit" && r.typology !== "friendly_fraud");
    expect(hostingShare(legit)).toBeGreaterThan(0);
    expect(hostingShare(fraud)).toBeGreaterThan(5 * hostingShare(legit));
  });

  it("shares devices and IPs between shoppers (households, carrier NAT)", () => {
    const cardsPer = new Map<string, Set<string>>();
    for (const r of records) {
      if (r.typology !== "legit" || !r.tx.device?.ip) continue;
      let s = cardsPer.get(r.tx.device.ip);
      if (!s) cardsPer.set(r.tx.device.ip, (s = new Set()));
      s.add(r.tx.card.fingerprint);
    }
    expect([...cardsPer.values()].some((s) => s.size > 1)).toBe(true);
  });
});

describe("price", () => {
  it("respects the currency's minor unit and the shop's pricing style", () => {
    expect(price(19.99, "USD", "exact")).toBe(1999);
    expect(price(20, "USD", "charm")).toBe(1999);
    expect(price(437, "USD", "round")).toBe(44000);
    expect(price(10, "JPY", "exact") % 1).toBe(0);
    expect(price(10, "KWD", "exact")).toBe(Math.round((10 / 3.25) * 1000));
    expect(price(0.0001, "USD", "exact")).toBe(1);
  });
});
