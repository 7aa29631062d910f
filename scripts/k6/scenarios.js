// k6 run scripts/k6/scenarios.js -e SCENARIO=ramp -e BASE_URL=https://fraud-staging.example.com -e API_KEY=sk_test_…
//
// The load scenarios of scripts/bench/scenarios.json — the same file `npm run bench:stress` reads — for users who
// run k6 against a deployment (staging, never production traffic you do not own). A stage holds `connections`
// virtual users for `seconds`; each VU posts one transaction after another to POST /v1/score, each with a fresh
// id (so every score is recorded as a new transaction: use a test key, on a test merchant, whose rate limit is
// raised above the load — `npm run keys -- create --merchant m_load --kind secret --scope score --limit 100000/60s` —
// or k6 measures 429s). The run is bounded by its stages and stops by itself. Thresholds are the scenarios' SLO:
// k6 exits non-zero when the p99 or the error rate breaks it, which a ramp is meant to do. `degraded` counts answers
// scored without some dependency.
//
//   -e SCENARIO=constant|ramp|spike|soak   (default constant)
//   -e SCALE=0.1                            every stage a tenth as long
import http from "k6/http";
import { check } from "k6";
import { Rate } from "k6/metrics";

const config = JSON.parse(open("../bench/scenarios.json"));
const name = __ENV.SCENARIO || "constant";
const scenario = config.scenarios[name];
if (!scenario) throw new Error(`no scenario ${name}; one of ${Object.keys(config.scenarios).join(", ")}`);
const scale = Number(__ENV.SCALE || "1");
const BASE_URL = (__ENV.BASE_URL || "http://127.0.0.1:8787").replace(/\/$/, "");
const API_KEY = __ENV.API_KEY || "";
if (!/^sk_(test|live)_/.test(API_KEY)) throw new Error("set API_KEY (-e API_KEY=sk_test_…): a secret key with a raised rate limit");

const degraded = new Rate("degraded");

export const options = {
  scenarios: {
    [name]: {
      executor: "ramping-vus",
      startVUs: scenario.stages[0].connections,
      // k6 ramps linearly over a stage's duration: a 1 s jump, then the stage held, is the autocannon shape.
      stages: scenario.stages.flatMap((s) => [
        { duration: "1s", target: s.connections },
        { duration: `${Math.max(1, Math.round(s.seconds * scale) - 1)}s`, target: s.connections },
      ]),
      gracefulRampDown: "5s",
    },
  },
  thresholds: {
    http_req_duration: [`p(99)<${config.slo.p99_ms}`],
    http_req_failed: [`rate<${config.slo.error_rate}`],
  },
  summaryTrendStats: ["med", "p(95)", "p(99)", "max"],
};

// One id per run, shared by every VU: setup() runs once and hands it to them.
export function setup() {
  return { run: Date.now().toString(36) };
}

let seq = 0;

export default function (data) {
  const run = data.run;
  const i = seq++;
  const id = `${__VU}_${i}`;
  const body = JSON.stringify({
    transaction_id: `txn_k6_${run}_${id}`,
    amount: 500 + ((i * 104729) % 50000),
    currency: "USD",
    card: { fingerprint: `fp_k6_${run}_${(i * 7919) % 3000}`, bin: "424242", country: "US" },
    // Each VU a shopper of its own network (a shared IP would make every VU one very fast shopper).
    device: { id: `dev_k6_${__VU}`, ip: `10.${(__VU >> 8) & 255}.${__VU & 255}.${(i % 250) + 1}`, ip_country: "US" },
    customer: { id: `cus_k6_${__VU}`, email_domain: "example.com", account_age_days: 400 },
    billing_country: "US",
    shipping_country: "US",
    channel: "web",
  });
  const res = http.post(`${BASE_URL}/v1/score`, body, { headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` } });
  check(res, { "scored (200)": (r) => r.status === 200 });
  if (res.status === 200) degraded.add(!String(res.body).includes('"degraded":[]'));
}
