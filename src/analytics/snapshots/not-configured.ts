import { NotConfiguredError } from "../../errors/not-configured";
import type { SnapshotStore } from "./interface";

const DETAIL = "Metrics live in Redis; UPSTASH_REDIS_REST_URL is not configured";

/** No Redis: /metrics and /v1/stats answer 503, the exporter skips writing. */
export class NotConfiguredSnapshotStore implements SnapshotStore {
  readonly kind = "not_configured" as const;

  async read(): Promise<never> {
    throw new NotConfiguredError(DETAIL);
  }

  async write(): Promise<never> {
    throw new NotConfiguredError(DETAIL);
  }
}
