import type { Config } from "../config";
import type { FeatureStore } from "./feature-store";

/** The feature store the configuration names; none when Redis is not configured. */
export function featureStoreFrom(_config: Config): FeatureStore | undefined {
  return undefined;
}
