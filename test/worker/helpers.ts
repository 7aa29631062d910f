import { SELF } from "cloudflare:test";
import type { ScoreResult } from "../../src/schemas/score";
import { TEST_SECRET_KEY } from "./auth/keys";

export const BASE = "http://scorer.test";

let seq = 0;
/** A valid transaction with a fresh id; `overrides` are merged one level deep. */
export function transaction(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  const base: Record<string, unknown> = {
    transaction_id: `txn_test_${Date.now().toString(36)}_${seq}`,
    amount: 4999,
    currency: "USD",
    merchant: { id: "m_test", category: "5732", country: "US", timezone: "America/New_York" },
    card: { fingerprint: `card_fp_${seq}`, bin: "424242", country: "US" },
    customer: { id: `cus_${seq}`, email_domain: "example.com", account_age_days: 400 },
    device: { id: `dev_${seq}`, ip: "203.0.113.7", ip_country: "US", asn: 7922 },
    billing_country: "US",
    shipping_country: "US",
    channel: "web",
  };
  for (const [k, v] of Object.entries(overrides)) {
    const cur = base[k];
    base[k] = v && typeof v === "object" && !Array.isArray(v) && cur && typeof cur === "object" ? { ...cur, ...v } : v;
  }
  return base;
}

/** The Authorization header for a key. */
export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

/** Requests send the suite's secret key (merchant m_test) unless `headers` carries another `authorization`. */
export function postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...bearer(TEST_SECRET_KEY), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

export function getWithKey(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, { headers: { ...bearer(TEST_SECRET_KEY), ...headers } });
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: { path: string; code: string; message: string }[];
}

/** A scorer's answer, for tests that start after scoring (alerts, metrics); `overrides` replace fields. */
export function scoreResult(overrides: Partial<ScoreResult> & Pick<ScoreResult, "transaction_id">): ScoreResult {
  return {
    score: 0.5,
    risk_level: "elevated",
    decision: "review",
    decision_source: "model",
    reasons: [],
    model: { id: "fraud-gbdt", version: "test" },
    timings: { total_ms: 1, model_ms: 1 },
    degraded: [],
    ...overrides,
  };
}
