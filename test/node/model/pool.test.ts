import { describe, expect, it } from "vitest";
import type { FraudModel } from "../../../src/model/fraud-model";
import { ModelPool, RETRY_LOAD_AFTER_MS } from "../../../src/model/pool";

/** Stub sessions: a card naming the version, a release that records itself. The pool never looks further. */
function harness(opts: { maxSessions?: number; open?: (v: string) => Promise<FraudModel> } = {}) {
  const released: string[] = [];
  let now = 1_000;
  const model = (version: string) => ({ card: { version, id: "m", thresholds: { review: 0.3, decline: 0.7 } }, release: async () => void released.push(version) }) as unknown as FraudModel;
  const bundled = model("bundled");
  const pool = new ModelPool(async () => bundled, "bundled", opts.open ?? (async (v) => model(v)), { maxSessions: opts.maxSessions ?? 3, now: () => now, timeoutMs: 50 });
  return { pool, released, bundled, tick: (ms: number) => (now += ms), model };
}

describe("the model pool", () => {
  it("holds at most maxSessions, releasing the least recently used version nobody routes", async () => {
    const { pool, released } = harness({ maxSessions: 3 });
    await pool.fallback();
    pool.keep(new Set(["a"]));
    for (const v of ["a", "b", "c", "d"]) await pool.load(v);
    expect(pool.sessions).toBe(3);
    expect(released).toEqual(["b", "c"]);
    expect(pool.holds("a")).toBe(true);
  });

  it("never releases a session a score holds: it goes out of service at once, and is released when the lease ends", async () => {
    const { pool, released } = harness({ maxSessions: 2 });
    await pool.fallback();
    await pool.load("a");
    const leased = pool.acquire("a")!;
    await pool.load("b"); // the cap takes "a" out of service
    expect(pool.holds("a")).toBe(false);
    expect(pool.acquire("a")).toBeUndefined(); // not handed out again while retiring
    expect(released).toEqual([]);
    expect(pool.status().map((s) => `${s.version}:${s.state}`)).toContain("a:releasing");
    pool.unlease(leased);
    expect(released).toEqual(["a"]);
  });

  it("never releases the bundled model, and leases on it are free", async () => {
    const { pool, released, bundled } = harness({ maxSessions: 1 });
    await pool.fallback();
    for (const v of ["a", "b"]) await pool.load(v);
    expect(pool.acquire("bundled")).toBe(bundled);
    pool.unlease(bundled);
    expect(released).not.toContain("bundled");
  });

  it("a failed load is not retried for RETRY_LOAD_AFTER_MS, then is — and says it is a retry", async () => {
    let fail = true;
    const { pool, tick, model } = harness({ open: async (v) => (fail ? Promise.reject(new Error("R2 down")) : model(v)) });
    await expect(pool.load("a")).rejects.toThrow("R2 down");
    expect(pool.retrying("a")).toBe(true);
    await expect(pool.load("a")).rejects.toThrow("R2 down");
    fail = false;
    tick(RETRY_LOAD_AFTER_MS + 1);
    await pool.load("a");
    expect(pool.holds("a")).toBe(true);
    expect(pool.retrying("a")).toBe(false);
  });

  it("a load that hangs fails after the timeout, and a session that arrives late is released, not leaked", async () => {
    const { pool, released, model } = harness({ open: (v) => new Promise((r) => setTimeout(() => r(model(v)), 120)) });
    await expect(pool.load("slow")).rejects.toThrow(/took over 50 ms/);
    expect(pool.status().find((s) => s.version === "slow")?.state).toBe("failed");
    await new Promise((r) => setTimeout(r, 150));
    expect(released).toEqual(["slow"]);
  });

  it("one load per version at a time", async () => {
    let opened = 0;
    const { pool, model } = harness({ open: async (v) => (opened++, model(v)) });
    await Promise.all([pool.load("a"), pool.load("a"), pool.load("a")]);
    expect(opened).toBe(1);
  });
});
