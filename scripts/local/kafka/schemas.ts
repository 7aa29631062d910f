import { z } from "zod";

/** Kafka's legal topic names; also keeps ':' (our key separator) out. */
export const TopicName = z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, "topic names are 1-249 of [a-zA-Z0-9._-]");

const Header = z.object({ key: z.string(), value: z.string() });

/** Upstash REST message (`POST /produce/<topic>`); `topic` is required by `POST /produce`. */
export const UpstashMessage = z.object({
  topic: TopicName.optional(),
  partition: z.number().int().min(0).max(999).optional(),
  timestamp: z.number().int().nonnegative().optional(),
  key: z.string().optional(),
  value: z.string(),
  headers: z.array(Header).optional(),
});
export type UpstashMessage = z.infer<typeof UpstashMessage>;

/** One message or an array; validated against the shape actually sent so errors name the offending field. */
export const upstashProduceBody = (body: unknown) =>
  Array.isArray(body) ? z.array(UpstashMessage).min(1).safeParse(body) : UpstashMessage.transform((m) => [m]).safeParse(body);

const TopicPartitionOffset = z.object({
  topic: TopicName,
  partition: z.number().int().min(0),
  offset: z.number().int().min(0),
});

export const ConsumeBody = z
  .object({ topic: TopicName.optional(), topics: z.array(TopicName).min(1).optional(), timeout: z.number().int().min(0).max(60_000).optional() })
  .refine((b) => b.topic !== undefined || b.topics !== undefined, "give `topic` or `topics`");

/** Empty body, or one offset, or several. */
export const CommitBody = z.union([TopicPartitionOffset, z.array(TopicPartitionOffset)]).optional();

export const TopicPartitionList = z.array(z.object({ topic: TopicName, partition: z.number().int().min(0) }));

export const FetchBody = z
  .object({
    topic: TopicName.optional(),
    partition: z.number().int().min(0).optional(),
    offset: z.number().int().min(0).optional(),
    topicPartitionOffsets: z.array(TopicPartitionOffset).optional(),
    timeout: z.number().int().min(0).max(60_000).optional(),
  })
  .refine((b) => b.topic === undefined || (b.partition !== undefined && b.offset !== undefined), "`topic` needs `partition` and `offset`");

/** Confluent REST v3 produce record (`POST /kafka/v3/clusters/<id>/topics/<topic>/records`). */
const ConfluentData = z.object({
  type: z.enum(["JSON", "STRING", "BINARY"]).optional(),
  data: z.unknown(),
});
export const ConfluentRecord = z.object({
  partition_id: z.number().int().min(0).max(999).optional(),
  headers: z.array(z.object({ name: z.string(), value: z.string().nullable().optional() })).optional(),
  key: ConfluentData.nullable().optional(),
  value: ConfluentData.nullable().optional(),
  timestamp: z.string().optional(),
});
export type ConfluentRecord = z.infer<typeof ConfluentRecord>;
