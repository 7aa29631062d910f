import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { abReport } from "../../scripts/ab-report";
import type { AbReport } from "../../scripts/ab/report";
import { modelsCommand } from "../../scripts/models";
import { DEMO_KEYS, DEMO_SECRET_KEY, DEV_ADMIN_TOKEN, REPLAY_KEY, seedKeys } from "../../scripts/seed-demo";
import { renamedFixtureModel, startE2E, type E2E } from "./harness";

/**
 * The model lifecycle as a new user runs it (docs/models.md), with the command-line tools against the Worker under
 * wrangler (its local R2) and the local stack: publish a second model, shadow it, replay labelled traffic and read
 * the report, promote it, roll back — each step visible in the routing and in the answers. The second model is
 * test/fixtures/model-seed-7 (what `npm run train -- --seed 7` writes) under a version of this run's own, since
 * wrangler's local R2 persists between runs and versions are immutable.
 */
const ROOT = new URL("../..", import.meta.url).pathname;
const bundled = JSON.parse(readFileSync(join(ROOT, "models/fraud-gbdt.card.json"), "utf8")) as { version: string };

let e2e: E2E;
let env: NodeJS.ProcessEnv;
let dir: string;
let version: string;

beforeAll(async () => {
  e2e = await startE2E({ ADMIN_TOKEN: DEV_ADMIN_TOKEN });
  await seedKeys(e2e.stack.env, [...DEMO_KEYS, REPLAY_KEY]);
  env = { SCORER_URL: e2e.api };
  version = `1.0.0-e2e.${Date.now().toString(36)}`;
  dir = renamedFixtureModel(version);
}, 120_000);

afterAll(async () => {
  await e2e?.stop();
});

async function score(): Promise<{ model: { version: string; role: string }; degraded: string[] }> {
  const res = await fetch(`${e2e.api}/v1/score`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_SECRET_KEY}` },
    body: JSON.stringify({ transaction_id: `txn_life_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`, amount: 4200, currency: "USD", merchant: { id: "m_demo" }, card: { fingerprint: "card_fp_life" } }),
  });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ model: { version: string; role: string }; degraded: string[] }>;
}

describe("the model lifecycle, from the command line", () => {
  it("publish → shadow → replay and report → promote → rollback", async () => {
    expect(await modelsCommand(["publish", dir], env)).toMatch(new RegExp(`^published ${version.replace(/[.+]/g, "\\$&")}`));
    expect(await modelsCommand(["list"], env)).toContain(version);

    expect(await modelsCommand(["shadow", version], env)).toContain(`shadows     ${version}`);
    expect((await score()).model).toMatchObject({ version: bundled.version, role: "live" });

    const { json } = await abReport(["--send", "400", "--quiet"], env);
    const report = json as AbReport;
    expect(report.observations).toBe(400);
    expect(report.labelled).toBe(400);
    expect(report.variants.map((v) => `${v.role} ${v.version} ${v.n}`)).toEqual([`live ${bundled.version} 400`, `shadow ${version} 400`]);
    expect(report.variants[1]!.psi_vs_live).toBeGreaterThan(0);
    expect(report.comparisons).toHaveLength(1);
    expect(report.comparisons[0]!.test).toMatch(/McNemar/);

    expect(await modelsCommand(["promote", version], env)).toContain(`live        ${version}`);
    expect((await score()).model).toMatchObject({ version, role: "live" });

    expect(await modelsCommand(["rollback"], env)).toContain(`live        ${bundled.version}`);
    const back = await score();
    expect(back.model).toMatchObject({ version: bundled.version, role: "live" });
    expect(back.degraded).toEqual([]);

    const routing = await modelsCommand(["routing"], env);
    expect(routing).toMatch(/history \(newest first\):\n.*rollback.*\n.*promote.*\n.*shadow/);
    expect(routing).toContain(`${version.padEnd(32)} ready`);
  }, 120_000);

  it("refusals name what is wrong", async () => {
    await expect(modelsCommand(["promote", "0.0.0-nope"], env)).rejects.toThrow(/422 unknown_model_version/);
    await expect(modelsCommand(["rollback"], env)).rejects.toThrow(/409 routing_refused: Nothing to roll back to/);
    await expect(modelsCommand(["challenger", version], env)).rejects.toThrow(/usage: models challenger/);
  });
});
