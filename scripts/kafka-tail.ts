import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { Kafka } from "@upstash/kafka";
import { kafkaRestFromEnv } from "./local/stack";

/**
 * Tails a Kafka topic over the Upstash Kafka REST protocol and prints every message as one JSON line on stdout
 * ({topic, partition, offset, timestamp, key, value, headers}; `value` parsed when it is JSON). Progress goes to
 * stderr. Defaults point at the local stack (`npx tsx scripts/local/stack.ts`); set UPSTASH_KAFKA_REST_URL,
 * UPSTASH_KAFKA_REST_USERNAME and UPSTASH_KAFKA_REST_PASSWORD for anything else.
 *
 *   npx tsx scripts/kafka-tail.ts --topic fraud-alerts [--group kafka-tail] [--from earliest|latest] [--max N]
 */
const { values } = parseArgs({
  options: {
    topic: { type: "string", default: "fraud-alerts" },
    group: { type: "string", default: "kafka-tail" },
    instance: { type: "string", default: `${hostname()}-${process.pid}` },
    from: { type: "string", default: "latest" },
    timeout: { type: "string", default: "1000" },
    max: { type: "string" },
  },
});

const from = values.from === "earliest" ? "earliest" : "latest";
const max = values.max === undefined ? Number.POSITIVE_INFINITY : Number(values.max);
const kafka = new Kafka(kafkaRestFromEnv());
const consumer = kafka.consumer();
const ids = { consumerGroupId: values.group, instanceId: values.instance };

let stopping = false;
process.once("SIGINT", () => {
  stopping = true;
});
process.once("SIGTERM", () => {
  stopping = true;
});

console.error(`tailing ${values.topic} as ${values.group}/${values.instance} from ${from} (Ctrl-C to stop)`);
let printed = 0;
while (!stopping && printed < max) {
  let messages;
  try {
    messages = await consumer.consume({
      ...ids,
      topics: [values.topic],
      timeout: Number(values.timeout),
      autoCommit: false,
      autoOffsetReset: from,
    });
  } catch (error) {
    console.error(`consume failed: ${error instanceof Error ? error.message : String(error)}`);
    continue;
  }
  const shown = messages.slice(0, max - printed);
  const next = new Map<string, { topic: string; partition: number; offset: number }>();
  for (const m of shown) {
    process.stdout.write(`${JSON.stringify({ ...m, value: parseMaybeJson(m.value) })}\n`);
    // Kafka commits the next offset to read; only what was printed, so a --max cut resumes where it stopped.
    next.set(`${m.topic}:${m.partition}`, { topic: m.topic, partition: m.partition, offset: m.offset + 1 });
  }
  printed += shown.length;
  if (next.size > 0) await consumer.commit({ ...ids, offset: [...next.values()] });
}
await kafka.admin().removeConsumerInstance(values.group, values.instance).catch(() => undefined);
console.error(`stopped after ${printed} message(s)`);

function parseMaybeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
