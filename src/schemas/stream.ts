import { z } from "@hono/zod-openapi";

/** What one pass of the stream consumer did (docs/streams.md): POST /v1/admin/stream/pass, and the cron's log line. */
export const PassReportSchema = z
  .object({
    batches: z.number().int(),
    records: z.number().int().openapi({ description: "Records answered or dead-lettered, and committed past" }),
    scored: z.number().int().openapi({ description: "Fresh decisions" }),
    replayed: z.number().int().openapi({ description: "Redelivered records answered from the idempotency store (not recorded again)" }),
    dead: z.number().int().openapi({ description: "Records sent to the dead-letter topic" }),
    stalled: z.array(z.number().int()).openapi({ description: "Partitions the pass stopped on: a record still being scored by an earlier attempt, or the key store unreachable" }),
    lag: z.number().int().openapi({ description: "Records behind the end of the log when the pass ended (-1: unknown)" }),
    ms: z.number().int(),
    per_second: z.number().int().openapi({ description: "Records handled per second of the pass" }),
    error: z.string().optional().openapi({ description: "Why the pass ended before the topic was drained; its last batch is delivered again" }),
  })
  .openapi("StreamPassReport");
export type PassReport = z.infer<typeof PassReportSchema>;

export const StreamStatusSchema = z
  .object({
    topic: z.string(),
    group: z.string(),
    partitions: z.array(z.object({ partition: z.number().int(), committed: z.number().int(), end: z.number().int(), lag: z.number().int() })),
    lag: z.number().int(),
  })
  .openapi("StreamStatus");
export type StreamStatus = z.infer<typeof StreamStatusSchema>;
