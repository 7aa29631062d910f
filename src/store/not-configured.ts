import { NotConfiguredError } from "../errors/not-configured";
import type { Ping } from "../schemas/health";
import type { FeatureStore } from "./interface";

const DETAIL = "No feature store is configured (UPSTASH_REDIS_REST_URL, or BACKENDS=memory)";

/** No store: scores go on with neutral behaviour (flagged `features`), the entity view answers 503. */
export class NotConfiguredFeatureStore implements FeatureStore {
  readonly kind = "not_configured" as const;

  async recordAndLookup(): Promise<never> {
    throw new NotConfiguredError(DETAIL);
  }

  async recordAndLoad(): Promise<never> {
    throw new NotConfiguredError(DETAIL);
  }

  async saveResponses(): Promise<never> {
    throw new NotConfiguredError(DETAIL);
  }

  async release(): Promise<never> {
    throw new NotConfiguredError(DETAIL);
  }

  async entity(): Promise<never> {
    throw new NotConfiguredError(DETAIL);
  }

  async ping(): Promise<Ping> {
    return { status: "not_configured", detail: "no UPSTASH_REDIS_REST_URL: behavioural features use neutral values" };
  }
}
