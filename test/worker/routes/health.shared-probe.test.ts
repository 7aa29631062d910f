import { describe, expect, it } from "vitest";
import { sharedProbe } from "../../../src/utils/shared-probe";

/** A probe whose calls are counted and whose answers are released by hand, oldest first. */
function controlledProbe() {
  const pending: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  let calls = 0;
  const probe = () => {
    calls++;
    return new Promise<number>((resolve, reject) => pending.push({ resolve, reject }));
  };
  return { probe, calls: () => calls, resolve: (v: number) => pending.shift()!.resolve(v), reject: (e: Error) => pending.shift()!.reject(e) };
}

describe("sharedProbe", () => {
  it("within the TTL callers get the stored result; after it, a new probe", async () => {
    let now = 1_000;
    const p = controlledProbe();
    const get = sharedProbe(5_000, p.probe, () => now);
    const a = get();
    p.resolve(7);
    expect(await a).toEqual({ value: 7, checkedAt: 1_000 });
    now += 4_999;
    expect(await get()).toEqual({ value: 7, checkedAt: 1_000 });
    expect(p.calls()).toBe(1);
    now += 1;
    const c = get();
    expect(p.calls()).toBe(2);
    p.resolve(8);
    expect(await c).toEqual({ value: 8, checkedAt: 6_000 });
  });

  // A promise driven by one request's I/O must not be awaited by another in workerd.
  it("a probe in flight is never shared: concurrent callers each probe, then the stored result serves everyone", async () => {
    const p = controlledProbe();
    const get = sharedProbe(60_000, p.probe, () => 0);
    const first = get();
    const second = get();
    expect(p.calls()).toBe(2);
    p.resolve(1);
    p.resolve(2);
    expect((await first).value).toBe(1);
    expect((await second).value).toBe(2);
    expect((await get()).value).toBe(2);
    expect(p.calls()).toBe(2);
  });

  it("a probe that throws is not cached", async () => {
    const p = controlledProbe();
    const get = sharedProbe(60_000, p.probe, () => 0);
    const failed = get();
    p.reject(new Error("boom"));
    await expect(failed).rejects.toThrow("boom");
    const retried = get();
    expect(p.calls()).toBe(2);
    p.resolve(1);
    expect((await retried).value).toBe(1);
  });

  it("TTL 0: every call probes", async () => {
    const p = controlledProbe();
    const get = sharedProbe(0, p.probe, () => 0);
    const first = get();
    p.resolve(1);
    await first;
    const second = get();
    expect(p.calls()).toBe(2);
    p.resolve(2);
    expect((await second).value).toBe(2);
  });
});
