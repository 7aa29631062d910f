import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeDemo } from "./readme-demo";
import { freeLoopbackPort } from "../../scripts/local/free-port";
import { spawnGuarded, type Guarded } from "../../scripts/local/guarded-spawn";
import { runningFile, type RunningServer } from "../../scripts/start";
import { policyCommand } from "../../scripts/policy";
import { DEMO_SECRET_KEY } from "../../scripts/seed-demo";
import { execFileSync } from "node:child_process";

/**
 * `npm start`: the built Worker on workerd itself, with the local stack — it must build, serve the README's demo
 * request as written there (the README's own curl line, sent to the port this test gave it), report its processes,
 * and take workerd down with it.
 */
const ROOT = new URL("../..", import.meta.url).pathname;


let server: Guarded;
let output = "";
let port: number;
let origin: string;

beforeAll(async () => {
  port = await freeLoopbackPort();
  origin = `http://127.0.0.1:${port}`;
  server = spawnGuarded(process.execPath, ["--import", "tsx", "scripts/start.ts"], { signal: "TERM", cwd: ROOT, env: { ...process.env, PORT: String(port) } });
  for (const s of [server.child.stdout!, server.child.stderr!]) s.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 80_000;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`npm start exited (${server.child.exitCode}):\n${output}`);
    if (await fetch(`${origin}/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`npm start did not answer within 80 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

describe("npm start", () => {
  it("answers the README's demo request with a decision from real behavioural state", async () => {
    const demo = readmeDemo();
    const body = JSON.parse(demo.body) as Record<string, unknown>;
    // A fresh id, so the answer is a new decision rather than a replay of another test's.
    body.transaction_id = `txn_start_${Date.now().toString(36)}`;
    const res = await fetch(demo.url.replace("http://127.0.0.1:8787", origin), { method: "POST", headers: demo.headers, body: JSON.stringify(body) });
    const answer = await res.json<{ decision: string; degraded: string[]; reasons: { impact: number }[] }>();
    expect(res.status, JSON.stringify(answer)).toBe(200);
    expect(["approve", "review", "decline"]).toContain(answer.decision);
    expect(answer.degraded).toEqual([]);
    expect(answer.reasons.length).toBeGreaterThan(0);
  });

  // Issue 12's "done when", as a new user would: a list entry and a rule with the CLI, a score that hits each and one
  // that hits neither, then a backtest of the rule on the generated stream.
  it("a list entry and a rule added with `npm run policy` decide scores, and say so; a rule backtests", async () => {
    const cli = (...args: string[]) => policyCommand([...args, "--url", origin]);
    const run = Date.now().toString(36);
    expect(await cli("lists", "add", "card_fingerprint", `card_fp_stolen_${run}`, "block", "--note", "reported stolen")).toMatch(/^added le_[0-9a-f]{16}/);
    expect(await cli("rules", "add", "--name", "one shopper", "--action", "review", `tx.customer_id == "cus_${run}" && tx.amount_usd > 100.0`)).toMatch(/^added rule_[0-9a-f]{16}/);
    await expect(cli("rules", "add", "--name", "typo", "--action", "block", "tx.amont > 1.0")).rejects.toThrow(/cel_type[\s\S]*\^{5}/);

    const score = async (tx: Record<string, unknown>) => {
      const res = await fetch(`${origin}/v1/score`, {
        method: "POST",
        headers: { authorization: `Bearer ${DEMO_SECRET_KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ transaction_id: `txn_cli_${run}_${Math.random().toString(36).slice(2)}`, amount: 25_000, currency: "USD", ...tx }),
      });
      expect(res.status).toBe(200);
      return res.json<{ decision: string; decision_source: string; policy: { decided_by?: { type: string } } }>();
    };
    expect(await score({ card: { fingerprint: `card_fp_stolen_${run}` } })).toMatchObject({ decision: "decline", decision_source: "list", policy: { decided_by: { type: "list" } } });
    expect(await score({ card: { fingerprint: `card_fp_a_${run}` }, customer: { id: `cus_${run}` } })).toMatchObject({ decision_source: "rule", policy: { decided_by: { type: "rule" } } });
    expect((await score({ card: { fingerprint: `card_fp_b_${run}` } })).decision_source).toBe("model");
    expect(await cli("audit", "--limit", "2")).toMatch(/rule\.put[\s\S]*list_entry\.put/);

    const backtest = JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", "scripts/backtest.ts", "--rule", "tx.amount_usd > 500.0 && features.card_age_days < 1.0", "--rows", "20000", "--json"], { cwd: ROOT, encoding: "utf8" }),
    ) as { rows: number; hits: number; precision: number | null; recall: number | null };
    expect(backtest.rows).toBe(20_000);
    expect(backtest.hits).toBeGreaterThan(0);
    expect(backtest.precision).toBeGreaterThan(0);
    expect(backtest.recall).toBeGreaterThan(0);
  }, 60_000);

  it("says which process serves what, and its workerd goes down with it", async () => {
    const state = JSON.parse(readFileSync(runningFile(port), "utf8")) as RunningServer;
    expect(state.url).toBe(origin);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(state.workerdPid)).toBe(true);
    await server.stop();
    const deadline = Date.now() + 10_000;
    while (alive(state.workerdPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(state.workerdPid)).toBe(false);
    expect(await fetch(`${origin}/health`).then(() => "answered", () => "down")).toBe("down");
  });
});
