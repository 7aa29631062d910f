import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { appWith } from "../alerts/kafka";
import { TEST_METRICS_TOKEN } from "../auth/keys";
import { BASE, bearer, type ProblemBody } from "../helpers";

describe("9. public routes leak nothing useful", () => {
  it("/health answers the public with its status only; the operator's token shows the checks", async () => {
    const open = await SELF.fetch(`${BASE}/health`);
    expect(Object.keys(await open.json<object>())).toEqual(["status"]);
    const operator = await (await SELF.fetch(`${BASE}/health`, { headers: bearer(TEST_METRICS_TOKEN) })).json<{ checks?: object; version?: string }>();
    expect(Object.keys(operator.checks ?? {})).toEqual(["model", "redis", "kafka", "alert_spill", "policy"]);
  });

  it("/metrics refuses alike whether or not a token is configured", async () => {
    const configured = await SELF.fetch(`${BASE}/metrics`, { headers: bearer("not_the_metrics_token_0000") });
    const unconfigured = await appWith({ METRICS_TOKEN: "" })("/metrics", { headers: bearer("not_the_metrics_token_0000") });
    expect([configured.status, unconfigured.status]).toEqual([401, 401]);
    const [a, b] = [await configured.json<ProblemBody>(), await unconfigured.json<ProblemBody>()];
    expect(a).toEqual(b);
  });
});
