import { describe, expect, it } from "vitest";
import { POLICY_MERCHANT, POLICY_SECRET_KEY } from "../auth/keys";
import { transaction } from "../helpers";
import { addEntry, call, score, unique } from "./helpers";

interface Policy {
  version: number;
  thresholds: { review: number; decline: number; source: string };
  model_thresholds: { review: number; decline: number };
  lists: { entries: number; ip_ranges: number };
}

interface Audit {
  records: { version: number; actor: string; action: string; entry?: { id: string }; before?: unknown; thresholds?: unknown }[];
}

const tx = () => transaction({ merchant: { id: POLICY_MERCHANT } });

// One file changes m_policy's thresholds, so no other file's scores see them change under it.
describe("a merchant's own thresholds", () => {
  it("override the model card's for that merchant alone, and go back when removed; every change is audited", async () => {
    const before = await (await call("GET", "/v1/policy", POLICY_SECRET_KEY)).json<Policy>();
    expect(before.thresholds.source).toBe("model");

    const set = await call("PUT", "/v1/policy/thresholds", POLICY_SECRET_KEY, { review: 0, decline: 0 });
    expect(set.status).toBe(200);
    const everything = await score(tx(), POLICY_SECRET_KEY);
    expect(everything).toMatchObject({ decision: "decline", decision_source: "model", risk_level: "high" });
    // Another merchant's scores keep the card's thresholds.
    expect((await score(transaction())).decision).not.toBe("decline");

    const policy = await (await call("GET", "/v1/policy", POLICY_SECRET_KEY)).json<Policy>();
    expect(policy.thresholds).toEqual({ review: 0, decline: 0, source: "merchant" });
    expect(policy.version).toBeGreaterThan(before.version);

    await call("PUT", "/v1/policy/thresholds", POLICY_SECRET_KEY, { review: 0, decline: 1 });
    expect(await score(tx(), POLICY_SECRET_KEY)).toMatchObject({ decision: "review", decision_source: "model" });

    expect((await call("DELETE", "/v1/policy/thresholds", POLICY_SECRET_KEY)).status).toBe(200);
    const after = await (await call("GET", "/v1/policy", POLICY_SECRET_KEY)).json<Policy>();
    expect(after.thresholds).toEqual({ ...after.model_thresholds, source: "model" });
    expect((await score(tx(), POLICY_SECRET_KEY)).decision).not.toBe("decline");

    const card = unique("card_fp");
    const added = await addEntry({ kind: "card_fingerprint", value: card, action: "block" }, POLICY_SECRET_KEY);
    const audit = await (await call("GET", "/v1/policy/audit?limit=4", POLICY_SECRET_KEY)).json<Audit>();
    expect(audit.records.map((r) => r.action)).toEqual(["list_entry.put", "thresholds.delete", "thresholds.put", "thresholds.put"]);
    expect(audit.records[0]).toMatchObject({ version: added.body.policy_version, entry: { id: added.body.entry.id } });
    expect(audit.records[1]!.before).toEqual({ review: 0, decline: 1 });
    expect(audit.records[2]).toMatchObject({ thresholds: { review: 0, decline: 1 }, before: { review: 0, decline: 0 } });
    for (const r of audit.records) expect(r.actor).toBe(added.body.entry.created_by);
    const versions = audit.records.map((r) => r.version);
    expect([...versions].sort((a, b) => b - a)).toEqual(versions);
  });
});
