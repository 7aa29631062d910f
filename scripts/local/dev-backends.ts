import { AE_LOCAL_DEFAULTS, startAeSql, type AeSqlHandle } from "./ae-sql";
import { startKafkaRest } from "./kafka/kafka-rest";
import { hasRedisServerBinary } from "./redis-server-process";
import { LOCAL_DEFAULTS, startLocalStack } from "./stack";
import { DEMO_KEYS, REPLAY_KEY, recordsFor, seedKeys, type FixedKey } from "../seed-demo";

/**
 * What a locally served Worker (`npm run dev`, `npm start`) needs beside it, started and seeded:
 * - with Debian's redis-server on PATH: the local stack (redis-server behind an Upstash-REST endpoint, a Kafka
 *   REST endpoint keeping topics in the same Redis), the demo merchant's API keys stored in it;
 * - without it: the Worker's memory backends (BACKENDS=memory: behaviour, API keys, rate limits and the alert
 *   spill in its isolate), seeded with the demo keys, and only the Kafka REST endpoint (in memory).
 */
export interface DevBackends {
  /** The Worker's variables pointing at what was started. */
  env: Record<string, string>;
  kind: "redis-server" | "memory";
  /** redis-server itself (`redis://…`), when it runs. */
  redisUrl?: string;
  /** The local Analytics Engine SQL stand-in the Worker's decision points are forwarded to (`analytics`). */
  ae?: AeSqlHandle;
  stop(): Promise<void>;
}

/** On fixed ports so the CLIs' defaults reach it; on free ones when another run holds them. */
async function onDefaultPorts<P extends Record<string, number | undefined>, T>(tool: string, ports: P, start: (ports: Partial<P>) => Promise<T>): Promise<T> {
  try {
    return await start(ports);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    console.warn(`${tool}: port(s) ${Object.values(ports).join("/")} taken; using free ports`);
    return start({});
  }
}

async function redisStack(tool: string, keys: FixedKey[]): Promise<DevBackends> {
  const stack = await onDefaultPorts(tool, { redisRestPort: LOCAL_DEFAULTS.redisRestPort, kafkaRestPort: LOCAL_DEFAULTS.kafkaRestPort }, (ports) => startLocalStack(ports));
  console.log(`${tool}: local stack up (redis-server): Redis REST ${stack.env.UPSTASH_REDIS_REST_URL}, Kafka REST ${stack.env.UPSTASH_KAFKA_REST_URL}`);
  await seedKeys(stack.env, keys);
  return { env: { ...stack.env }, kind: "redis-server", redisUrl: stack.redisServer.url, stop: () => stack.stop() };
}

async function memoryBackends(tool: string, reloads: boolean, keys: FixedKey[]): Promise<DevBackends> {
  const { kafkaUsername: username, kafkaPassword: password } = LOCAL_DEFAULTS;
  const kafka = await onDefaultPorts(tool, { kafkaRestPort: LOCAL_DEFAULTS.kafkaRestPort }, ({ kafkaRestPort }) => startKafkaRest({ username, password, port: kafkaRestPort }));
  console.warn(
    `${tool}: ${hasRedisServerBinary() ? "asked for the memory backends" : "redis-server not found on PATH"}, so the Worker runs on its memory backends (BACKENDS=memory): behaviour, API ` +
      `keys, rate limits and the alert spill live in its isolate — lost ${reloads ? "whenever wrangler reloads it" : "when it stops"}, and out of reach ` +
      "of the command-line tools (npm run keys, npm run seed). For the full local stack: apt-get install -y redis-server",
  );
  console.log(`${tool}: Kafka REST ${kafka.url} (in memory)`);
  return {
    env: {
      BACKENDS: "memory",
      // Digests only, as the key store holds them; the demo keys themselves are public test keys.
      SEED_API_KEYS: JSON.stringify(await recordsFor(keys)),
      UPSTASH_KAFKA_REST_URL: kafka.url,
      UPSTASH_KAFKA_REST_USERNAME: username,
      UPSTASH_KAFKA_REST_PASSWORD: password,
    },
    kind: "memory",
    stop: () => kafka.close(),
  };
}

/**
 * `tool` names the command in what it prints; `reloads`: the Worker is reloaded on edits (wrangler dev); `memory`:
 * the memory backends even where redis-server is installed; `keys`: what is seeded beside the demo merchant's.
 */
/** The transactions topic `npm run dev` and `npm start` consume (`npm run stream -- publish` writes it). */
export const STREAM_TOPIC_LOCAL = "transactions";

export async function startDevBackends(tool: string, opts: { reloads: boolean; memory?: boolean; keys?: FixedKey[]; analytics?: boolean }): Promise<DevBackends> {
  const keys = [...DEMO_KEYS, REPLAY_KEY, ...(opts.keys ?? [])];
  const started = hasRedisServerBinary() && !opts.memory ? await redisStack(tool, keys) : await memoryBackends(tool, opts.reloads, keys);
  // The stream consumer reads the local Kafka REST endpoint's `transactions` topic (npm run stream; docs/streams.md).
  const backends = { ...started, env: { ...started.env, STREAM_TOPIC: STREAM_TOPIC_LOCAL } };
  // On the memory backends no exporter runs (scripts/local/exporter-dev.ts), so nothing would read the points.
  if (!opts.analytics || backends.kind === "memory") return backends;
  // Analytics Engine has no local equivalent: the Worker posts its decision points to this stand-in instead, and the
  // exporter queries it (docs/metrics.md#locally).
  const ae = await onDefaultPorts(tool, { port: AE_LOCAL_DEFAULTS.port }, ({ port }) => startAeSql(port === undefined ? {} : { port }));
  console.log(`${tool}: Analytics Engine SQL stand-in ${ae.url} (decision points forwarded to it, in memory)`);
  return {
    ...backends,
    ae,
    env: { ...backends.env, ANALYTICS_FORWARD_URL: `${ae.origin}/__points` },
    stop: async () => {
      await ae.close();
      await backends.stop();
    },
  };
}
