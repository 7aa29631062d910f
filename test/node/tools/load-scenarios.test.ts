import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { breakingPoint, SCENARIOS, type StageResult } from "../../../scripts/bench/stress";

const K6 = new URL("../../../scripts/k6/scenarios.js", import.meta.url);
const JSON_PATH = new URL("../../../scripts/bench/scenarios.json", import.meta.url);

/** The k6 script's `options` for a scenario, evaluated in a sandbox standing in for k6's globals. */
function k6Options(scenario: string, scale = "1"): { scenarios: Record<string, { stages: { duration: string; target: number }[] }>; thresholds: Record<string, string[]> } {
  const source = readFileSync(K6, "utf8")
    .replace(/^import .*$/gm, "")
    .replace(/^export const options =/m, "options =")
    .replace(/^export default function/m, "function main")
    .replace(/^export function setup/m, "function setup");
  const sandbox: Record<string, unknown> = {
    open: (path: string) => {
      expect(path).toBe("../bench/scenarios.json");
      return readFileSync(JSON_PATH, "utf8");
    },
    __ENV: { SCENARIO: scenario, SCALE: scale, API_KEY: "sk_test_load_0000000000000000000000" },
    Rate: class {},
    options: undefined,
  };
  runInNewContext(source, sandbox);
  return sandbox.options as ReturnType<typeof k6Options>;
}

const seconds = (d: string) => Number(d.replace(/s$/, ""));

describe("the load scenarios: one definition for bench:stress and k6", () => {
  it("has the four scenarios the issue asks for", () => {
    expect(Object.keys(SCENARIOS.scenarios).sort()).toEqual(["constant", "ramp", "soak", "spike"]);
  });

  it("k6 runs each scenario's stages — the same clients for the same seconds — under the same SLO", () => {
    for (const [name, scenario] of Object.entries(SCENARIOS.scenarios)) {
      const options = k6Options(name);
      const stages = options.scenarios[name]!.stages;
      expect(stages).toHaveLength(scenario.stages.length * 2);
      scenario.stages.forEach((s, i) => {
        expect([stages[2 * i]!.target, stages[2 * i + 1]!.target]).toEqual([s.connections, s.connections]);
        expect(seconds(stages[2 * i]!.duration) + seconds(stages[2 * i + 1]!.duration)).toBe(s.seconds);
      });
      expect(options.thresholds).toEqual({ http_req_duration: [`p(99)<${SCENARIOS.slo.p99_ms}`], http_req_failed: [`rate<${SCENARIOS.slo.error_rate}`] });
    }
  });

  it("SCALE shortens every stage alike", () => {
    const stages = k6Options("spike", "0.5").scenarios.spike!.stages;
    expect(stages.map((s) => seconds(s.duration))).toEqual([1, 9, 1, 4, 1, 9]);
  });

  it("the breaking point is the first stage past the SLO or where throughput stops growing", () => {
    const stage = (reqPerS: number, p99: number, errors = 0): StageResult => ({ stage: 0, connections: 1, requests: 1000, reqPerS, p50: 1, p95: 1, p99, errors, degraded: 0, rssMaxMiB: 1 });
    const slo = SCENARIOS.slo;
    expect(breakingPoint([stage(100, 10), stage(190, 12), stage(300, 400)], slo)).toMatchObject({ stage: 2, why: expect.stringMatching(/p99/) });
    expect(breakingPoint([stage(100, 10), stage(190, 12, 50)], slo)).toMatchObject({ stage: 1, why: expect.stringMatching(/errors/) });
    expect(breakingPoint([stage(100, 10), stage(190, 12), stage(195, 20)], slo)).toMatchObject({ stage: 2, why: expect.stringMatching(/throughput/) });
    expect(breakingPoint([stage(100, 10), stage(190, 12)], slo)).toBeUndefined();
  });
});
