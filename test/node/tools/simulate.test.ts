import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDuration, parseRate, simulate } from "../../../scripts/simulate";

/**
 * The simulator's own logic against a stand-in scorer that answers every score (and every batch item) with a
 * decision by the payment's amount: what it sends, counts and reports. The real scorer's answers are the e2e
 * suite's; this checks the tool.
 */
let server: Server;
let base: string;
const seen: { path: string; ids: string[]; merchant: string[] }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const json = JSON.parse(body) as Record<string, unknown>;
      const txs = (req.url === "/v1/score/batch" ? json.transactions : [json]) as { transaction_id: string; amount: number; merchant: { id: string } }[];
      seen.push({ path: req.url!, ids: txs.map((t) => t.transaction_id), merchant: txs.map((t) => t.merchant.id) });
      const answer = (t: { transaction_id: string; amount: number }) => ({ transaction_id: t.transaction_id, decision: t.amount > 20_000 ? "review" : "approve", degraded: [] });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(req.url === "/v1/score/batch" ? { results: txs.map(answer) } : answer(txs[0]!)));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("npm run simulate", () => {
  it("sends the generated stream at the rate asked, as the demo merchant, each payment under a fresh id, and counts the answers", async () => {
    seen.length = 0;
    const lines: string[] = [];
    const s = await simulate(["--rate", "40/s", "--duration", "2s", "--target", base], {}, (l) => lines.push(l));
    expect(s.sent).toBeGreaterThanOrEqual(70);
    expect(s.sent).toBeLessThanOrEqual(82);
    expect(s.answered).toBe(s.sent);
    expect(s.errors).toBe(0);
    expect((s.decisions.approve ?? 0) + (s.decisions.review ?? 0)).toBe(s.sent);
    const ids = seen.flatMap((r) => r.ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(seen.flatMap((r) => r.merchant))).toEqual(new Set(["m_demo"]));
    expect(lines.some((l) => /sent \d+ .* p50/.test(l))).toBe(true);
    expect(lines.at(-1)).toMatch(/^simulate: \d+ sent in .* p99/);
  });

  it("with --batch, sends payments N to a request", async () => {
    seen.length = 0;
    const s = await simulate(["--rate", "50", "--duration", "1s", "--batch", "10", "--target", base], {}, () => {});
    expect(seen.every((r) => r.path === "/v1/score/batch" && r.ids.length === 10)).toBe(true);
    expect(s.answered).toBe(s.sent);
  });

  it("is bounded and stays on this machine unless given a key", async () => {
    expect(() => parseRate("5000/s")).toThrow(/at most/);
    expect(() => parseDuration("2h")).toThrow(/at most/);
    expect(parseDuration("2m")).toBe(120);
    await expect(simulate(["--target", "https://scorer.example.com", "--duration", "1s"], {}, () => {})).rejects.toThrow(/SCORER_API_KEY/);
  });
});
