import { FraudScorer } from "../../client/src/index";

/**
 * The examples' scorer: FRAUD_SCORER_URL / FRAUD_SCORER_API_KEY when set, else `npm run dev`'s on this machine
 * with the demo merchant's public test key (scripts/seed-demo.ts).
 */
export function scorerFromEnv(): FraudScorer {
  return FraudScorer.fromEnv({
    FRAUD_SCORER_URL: process.env.FRAUD_SCORER_URL ?? "http://127.0.0.1:8787",
    FRAUD_SCORER_API_KEY: process.env.FRAUD_SCORER_API_KEY ?? "sk_test_demo_00000000000000000000000000",
  });
}

export const newId = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
