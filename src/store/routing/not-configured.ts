import { refuseNotConfigured } from "../../errors/not-configured";
import type { RoutingStore } from "./interface";

const refuse = refuseNotConfigured("No store for the model routing is configured (UPSTASH_REDIS_REST_URL, or BACKENDS=memory): the bundled model serves everything");

export class NotConfiguredRoutingStore implements RoutingStore {
  readonly kind = "not_configured" as const;
  read = refuse;
  replace = refuse;
}
