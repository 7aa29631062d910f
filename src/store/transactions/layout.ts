/**
 * Redis keys of the transaction records (docs/feedback.md). Merchant ids may hold `:`, but each key's last part is
 * a fixed word or the transaction id (which holds no `:`-free ambiguity: ids are `[A-Za-z0-9_.:-]`, so the
 * record key puts the merchant last-but-one behind a length prefix).
 *   txn:v1:<len>:<merchant>:<transaction id>  HASH record (JSON), label (JSON), label_rank, label_at (ms), review (JSON)
 *   rev:v1:<len>:<merchant>:open              ZSET transaction id by event time: the open review queue
 *   outbox:v1:decisions, outbox:v1:labels     ZSET record key by when it was written / labelled: what the
 *                                             scheduled Worker has yet to produce to Kafka (outbox.ts)
 *   outbox:v1:stats                           HASH <topic>_dropped: entries the outbox cap dropped
 */
const scope = (merchant: string) => `${merchant.length}:${merchant}`;
export const recordKey = (merchant: string, transactionId: string) => `txn:v1:${scope(merchant)}:${transactionId}`;
export const openReviewsKey = (merchant: string) => `rev:v1:${scope(merchant)}:open`;
export const OUTBOX_KEYS = { decisions: "outbox:v1:decisions", labels: "outbox:v1:labels" } as const;
export const OUTBOX_STATS_KEY = "outbox:v1:stats";
