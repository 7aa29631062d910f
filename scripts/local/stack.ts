import { exitOnSignal, isMain, runMain } from "../cli";
import { parseArgs } from "node:util";
import { startKafkaRest, type KafkaRestHandle } from "./kafka/kafka-rest";
import { createMemoryBackend } from "./memory-backend";
import { hasRedisServerBinary, startRedisServer, type RedisServerHandle } from "./redis-server-process";
import { startUpstashRest, type UpstashRestHandle } from "./upstash-redis-rest";

/**
 * The local stand-ins for Upstash: a throw-away redis-server, an Upstash-Redis-REST endpoint in front of it and a
 * Kafka REST endpoint (Upstash + Confluent v3) keeping topics in the same Redis. Without a redis-server binary
 * both endpoints fall back to in-process memory (ioredis-mock for Redis), with a warning: see docs/local-stack.md.
 */
export interface LocalStackOptions {
  /** 0 or omitted: a free port (what tests want); the CLI defaults to 8079. */
  redisRestPort?: number;
  /** 0 or omitted: a free port; the CLI defaults to 8078. */
  kafkaRestPort?: number;
  /** Port of redis-server itself; omitted: a free port. */
  redisPort?: number;
  redisToken?: string;
  kafkaUsername?: string;
  kafkaPassword?: string;
  /** "auto" (default): redis-server when the binary is on PATH, else memory with a warning. */
  backend?: "auto" | "redis-server" | "memory";
  warn?: (message: string) => void;
}

export interface LocalStackEnv {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  UPSTASH_KAFKA_REST_URL: string;
  UPSTASH_KAFKA_REST_USERNAME: string;
  UPSTASH_KAFKA_REST_PASSWORD: string;
}

export interface LocalStack {
  readonly backend: "redis-server" | "memory";
  /** Present with the redis-server backend: tests stop/restart it to simulate an outage. */
  readonly redisServer?: RedisServerHandle;
  readonly upstashRedis: UpstashRestHandle;
  readonly kafka: KafkaRestHandle;
  /** The variables the Worker and the CLIs read, pointing at this stack. */
  readonly env: LocalStackEnv;
  stop(): Promise<void>;
}

export const LOCAL_DEFAULTS = {
  redisRestPort: 8079,
  kafkaRestPort: 8078,
  redisToken: "local-dev-token",
  kafkaUsername: "local",
  kafkaPassword: "local-dev-password",
} as const;

export const MEMORY_FALLBACK_WARNING =
  "redis-server not found on PATH: using the in-memory fallback (ioredis-mock). Data is lost on exit and some " +
  "Redis behaviour differs (Lua nil-in-array handling, fractional ZRANGEBYSCORE bounds, WRONGTYPE errors; see " +
  "docs/local-stack.md). Install it with: apt-get install -y redis-server";

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const warn = options.warn ?? ((m: string) => console.warn(`warning: ${m}`));
  const wanted = options.backend ?? "auto";
  const useRedisServer = wanted === "redis-server" || (wanted === "auto" && hasRedisServerBinary());
  if (wanted === "auto" && !useRedisServer) warn(MEMORY_FALLBACK_WARNING);

  const token = options.redisToken ?? LOCAL_DEFAULTS.redisToken;
  const username = options.kafkaUsername ?? LOCAL_DEFAULTS.kafkaUsername;
  const password = options.kafkaPassword ?? LOCAL_DEFAULTS.kafkaPassword;

  const redisServer = useRedisServer ? await startRedisServer({ port: options.redisPort }) : undefined;
  const memory = redisServer ? undefined : createMemoryBackend();
  const started: { close(): Promise<void> }[] = [];
  try {
    const upstashRedis = await startUpstashRest({ redis: redisServer?.url ?? memory!, token, port: options.redisRestPort });
    started.push(upstashRedis);
    const kafka = await startKafkaRest({ redis: redisServer?.url, username, password, port: options.kafkaRestPort });
    started.push(kafka);
    return {
      backend: redisServer ? "redis-server" : "memory",
      redisServer,
      upstashRedis,
      kafka,
      env: {
        UPSTASH_REDIS_REST_URL: upstashRedis.url,
        UPSTASH_REDIS_REST_TOKEN: token,
        UPSTASH_KAFKA_REST_URL: kafka.url,
        UPSTASH_KAFKA_REST_USERNAME: username,
        UPSTASH_KAFKA_REST_PASSWORD: password,
      },
      async stop() {
        await shutdown(started, memory, redisServer);
      },
    };
  } catch (error) {
    await shutdown(started, memory, redisServer);
    throw error;
  }
}

async function shutdown(
  started: { close(): Promise<void> }[],
  memory: { close(): Promise<void> } | undefined,
  redisServer: RedisServerHandle | undefined,
): Promise<void> {
  for (const s of started.reverse()) await s.close();
  await memory?.close();
  await redisServer?.stop();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "redis-rest-port": { type: "string", default: String(LOCAL_DEFAULTS.redisRestPort) },
      "kafka-rest-port": { type: "string", default: String(LOCAL_DEFAULTS.kafkaRestPort) },
      "redis-port": { type: "string" },
      memory: { type: "boolean", default: false },
    },
  });
  const stack = await startLocalStack({
    redisRestPort: Number(values["redis-rest-port"]),
    kafkaRestPort: Number(values["kafka-rest-port"]),
    redisPort: values["redis-port"] === undefined ? undefined : Number(values["redis-port"]),
    backend: values.memory ? "memory" : "auto",
  });
  console.log(`local stack up (${stack.backend === "redis-server" ? `redis-server at ${stack.redisServer!.url}` : "in-memory fallback"})`);
  console.log(`  Upstash Redis REST  ${stack.upstashRedis.url}   (stats: GET ${stack.upstashRedis.url}/__stats)`);
  console.log(`  Kafka REST          ${stack.kafka.url}   (Upstash protocol + Confluent v3 at /kafka/v3; stats: GET /__stats)`);
  console.log("Environment for the Worker and the CLIs:");
  for (const [k, v] of Object.entries(stack.env)) console.log(`  ${k}=${v}`);
  console.log("Ctrl-C to stop.");
  exitOnSignal(() => stack.stop());
}

if (isMain(import.meta.url)) runMain(main);
