import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { sha256HexOfBytes } from "../../../src/utils/sha256";
import { TEST_ADMIN_TOKEN, TEST_METRICS_TOKEN } from "../auth/keys";
import { BASE, getWithKey } from "../helpers";
import { bundledBytes as bytes, bundledCard as card, candidate, publish } from "./registry";

interface Problem {
  code: string;
  errors?: { path: string; code: string; message: string }[];
}

const rejected = async (res: Response) => {
  expect(res.status).toBe(422);
  const body = await res.json<Problem>();
  expect(body.code).toBe("model_rejected");
  return body.errors!.map((e) => e.path);
};

describe("publishing a model runs the gates inside the Worker", () => {
  it("a model that passes is published, listed, immutable — and routes no traffic", async () => {
    const good = candidate();
    const res = await publish(good);
    expect(res.status).toBe(201);
    const out = await res.json<{ published: { version: string; sha256: string }; warnings: string[]; comparison: unknown[] }>();
    expect(out.published).toMatchObject({ version: good.version, sha256: card.sha256 });
    expect(out.warnings).toEqual([]);
    expect(out.comparison.length).toBeGreaterThan(0);
    expect((await publish(good)).status).toBe(409);
    const list = await (await SELF.fetch(`${BASE}/v1/admin/models`, { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } })).json<{ models: { version: string }[] }>();
    expect(list.models.map((m) => m.version)).toContain(good.version);
    const live = await (await getWithKey("/v1/model")).json<{ version: string }>();
    expect(live.version).toBe(card.version);
  });

  it("features not this build's, in order: refused, naming the column", async () => {
    const c = candidate();
    [c.card.features[0], c.card.features[1]] = [c.card.features[1]!, c.card.features[0]!];
    const res = await publish(c);
    expect(await rejected(res.clone())).toEqual(["features"]);
    expect((await res.json<Problem>()).errors![0]!.message).toMatch(/column 0/);
  });

  it("an ONNX file that is not the card's: refused on its checksum", async () => {
    const c = candidate();
    const flipped = bytes.slice();
    flipped[flipped.length - 10] = flipped[flipped.length - 10]! ^ 0xff;
    expect(await rejected(await publish({ ...c, onnx: flipped }))).toEqual(["checksum"]);
  });

  it("an ONNX file ONNX Runtime Web cannot load: refused", async () => {
    const c = candidate();
    const broken = bytes.slice(0, 5_000);
    c.card.sha256 = await sha256HexOfBytes(broken);
    expect(await rejected(await publish({ ...c, onnx: broken }))).toEqual(["onnx"]);
  });

  it("reference vectors the served model does not reproduce: refused", async () => {
    const c = candidate();
    c.reference.rows[7]!.score += 0.01;
    const res = await publish(c);
    expect(await rejected(res.clone())).toEqual(["reference"]);
    expect((await res.json<Problem>()).errors![0]!.message).toMatch(/row 7/);
  });

  it("too few reference rows, or none on one side of the thresholds: refused", async () => {
    const few = candidate();
    few.reference.rows = few.reference.rows.slice(0, 10);
    expect(await rejected(await publish(few))).toEqual(["reference"]);
    const easy = candidate();
    easy.reference.rows = easy.reference.rows.filter((r) => r.score < card.thresholds.review);
    expect(await rejected(await publish(easy))).toEqual(["reference"]);
  });

  it("a version that exists is a 409 before any gate runs, whatever is sent", async () => {
    const good = candidate();
    expect((await publish(good)).status).toBe(201);
    const broken = { ...candidate(good.version), onnx: bytes.slice(0, 100) };
    expect((await publish(broken)).status).toBe(409);
  });

  it("a card whose review threshold is above its decline threshold: refused", async () => {
    const c = candidate();
    c.card.thresholds = { ...c.card.thresholds, review: 0.9, decline: 0.5 };
    expect(await rejected(await publish(c))).toEqual(["card"]);
  });

  it("a card of another version, or that does not parse: refused", async () => {
    const c = candidate();
    expect(await rejected(await publish({ ...c, version: `${c.version}-other` }))).toEqual(["version"]);
    const bad = candidate();
    (bad.card as Record<string, unknown>).thresholds = { review: 2 };
    expect(await rejected(await publish(bad))).toEqual(["card"]);
  });

  it("worse offline metrics are a warning with both figures, not a refusal", async () => {
    const c = candidate();
    c.card.metrics.roc_auc = card.metrics.roc_auc - 0.05;
    const res = await publish(c);
    expect(res.status).toBe(201);
    const out = await res.json<{ warnings: string[]; comparison: { metric: string; candidate: number; live: number }[] }>();
    expect(out.warnings.join("\n")).toMatch(/roc_auc/);
    expect(out.comparison).toContainEqual({ metric: "roc_auc", candidate: c.card.metrics.roc_auc, live: card.metrics.roc_auc });
  });

  it("only the ADMIN_TOKEN opens it: not an API key, not the metrics token", async () => {
    expect((await publish(candidate(), TEST_METRICS_TOKEN)).status).toBe(401);
    expect((await publish(candidate(), "sk_test_worker_suite_m_test_secret")).status).toBe(401);
    expect((await SELF.fetch(`${BASE}/v1/admin/models`)).status).toBe(401);
  });
});
