import type { FixedKey } from "../../../scripts/seed-demo";

/**
 * The keys every Worker test sends by default, seeded by global-setup.ts (seedKeys, as `npm run dev` seeds the
 * demo merchant). Their limits are high so the suite's own traffic never trips them; rate limiting has its own
 * tests with keys made for it. Plain constants: imported both in Node (global setup) and inside workerd.
 */
export const TEST_MERCHANT = "m_test";
export const TEST_SECRET_KEY = "sk_test_worker_suite_m_test_secret";
export const OTHER_MERCHANT = "m_other";
export const OTHER_SECRET_KEY = "sk_test_worker_suite_m_other_secret";

/** A merchant of its own for policy tests that change what every score of the merchant sees (thresholds). */
export const POLICY_MERCHANT = "m_policy";
export const POLICY_SECRET_KEY = "sk_test_worker_suite_m_policy_secret";
/** m_test's key without the `policy` scope. */
export const SCORE_ONLY_SECRET_KEY = "sk_test_worker_suite_m_test_score_only";

/** A checkout page's key for m_test, allowed from TEST_ORIGIN. */
export const TEST_PUBLISHABLE_KEY = "pk_test_worker_suite_m_test_publishable";
export const TEST_ORIGIN = "https://shop.test";

/** The test Worker's METRICS_TOKEN (vitest.config.ts bindings): what the operator's Prometheus sends to /metrics. */
export const TEST_METRICS_TOKEN = "metrics_token_worker_suite_0123456789";
/** The test Worker's ADMIN_TOKEN: what the model registry's routes take. */
export const TEST_ADMIN_TOKEN = "admin_token_worker_suite_0123456789ab";

const unthrottled = { requests: 1_000_000, window_s: 60 };

export const TEST_KEYS: FixedKey[] = [
  { key: TEST_SECRET_KEY, spec: { kind: "secret", mode: "test", merchantId: TEST_MERCHANT, rateLimit: unthrottled, label: "worker tests" } },
  {
    key: TEST_PUBLISHABLE_KEY,
    spec: { kind: "publishable", mode: "test", merchantId: TEST_MERCHANT, allowedOrigins: [TEST_ORIGIN], rateLimit: unthrottled, label: "worker tests, checkout page" },
  },
  { key: OTHER_SECRET_KEY, spec: { kind: "secret", mode: "test", merchantId: OTHER_MERCHANT, rateLimit: unthrottled, label: "worker tests, second merchant" } },
  { key: POLICY_SECRET_KEY, spec: { kind: "secret", mode: "test", merchantId: POLICY_MERCHANT, rateLimit: unthrottled, label: "worker tests, policy merchant" } },
  { key: SCORE_ONLY_SECRET_KEY, spec: { kind: "secret", mode: "test", merchantId: TEST_MERCHANT, scopes: ["score"], rateLimit: unthrottled, label: "worker tests, score only" } },
];
