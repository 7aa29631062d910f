import { NotConfiguredError } from "../../errors/not-configured";
import type { AlertSpill } from "./interface";

const DETAIL = "no spill configured (UPSTASH_REDIS_REST_URL)";

/**
 * No Redis: alerts are produced without a write-ahead journal, and one the sink refuses can only be logged in
 * full (deliver.ts). Every call throws NotConfiguredError, which callers tell apart from a Redis failure.
 */
export class NotConfiguredAlertSpill implements AlertSpill {
  readonly kind = "not_configured" as const;

  private fail(): Promise<never> {
    return Promise.reject(new NotConfiguredError(DETAIL));
  }

  journal = () => this.fail();
  acknowledge = () => this.fail();
  spill = () => this.fail();
  reclaim = () => this.fail();
  backlog = () => this.fail();
  oldest = () => this.fail();
  remove = () => this.fail();
  lease = () => this.fail();
}
