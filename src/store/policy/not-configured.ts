import { refuseNotConfigured } from "../../errors/not-configured";
import type { PolicyStore } from "./interface";

const DETAIL = "No policy store is configured (UPSTASH_REDIS_REST_URL, or BACKENDS=memory)";
const refuse = refuseNotConfigured(DETAIL);

/** No store: the policy routes answer 503 and scores are decided by the model alone. */
export class NotConfiguredPolicyStore implements PolicyStore {
  readonly kind = "not_configured" as const;
  putEntry = refuse;
  deleteEntry = refuse;
  getEntry = refuse;
  listEntries = refuse;
  settings = refuse;
  putThresholds = refuse;
  putRule = refuse;
  deleteRule = refuse;
  rules = refuse;
  audit = refuse;
}
