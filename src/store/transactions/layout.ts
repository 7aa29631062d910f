/**
 * Redis keys of the transaction records (docs/feedback.md). Merchant ids may hold `:`, but each key's last part is
 * a fixed word or the transaction id (which holds no `:`-free ambiguity: ids are `[A-Za-z0-9_.:-]`, so the
 * record key puts the merchant last-but-one behind a length prefix).
 *   txn:v1:<len>:<merchant>:<transaction id>  HASH record (JSON), label (JSON), label_rank, label_at (ms), review (JSON)
 *   rev:v1:<len>:<merchant>:open              ZSET transaction id by event time: the open review queue
 */
const scope = (merchant: string) => `${merchant.length}:${merchant}`;
export const recordKey = (merchant: string, transactionId: string) => `txn:v1:${scope(merchant)}:${transactionId}`;
export const openReviewsKey = (merchant: string) => `rev:v1:${scope(merchant)}:open`;
