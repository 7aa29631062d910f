import { refuseNotConfigured } from "../../errors/not-configured";
import type { TransactionStore } from "./interface";

const refuse = refuseNotConfigured("No store for transaction records is configured (UPSTASH_REDIS_REST_URL, or BACKENDS=memory): labels and reviews need one");

export class NotConfiguredTransactionStore implements TransactionStore {
  readonly kind = "not_configured" as const;
  remember = refuse;
  label = refuse;
  get = refuse;
  openReviews = refuse;
  resolveReview = refuse;
}
