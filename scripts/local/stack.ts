import { exitOnSignal, isMain, runMain } from "../cli";
import { parseArgs } from "node:util";
import { startKafkaRest, type KafkaRestHandle } from "./kafka/kafka-rest";
import { hasRedisServerBinary, startRedisServer, type RedisServerHandle } from "./redis-server-process";
import { startUpstashRest, type UpstashRestHandle } from "./upstash-redis-rest";

/**
 * The local stand-ins for Upstash: a throw-away redis-server, an Upstash-Redis-REST endpoint in front of it and a
 * Kafka REST endpoint (Upstash + Confluent v3) keeping topics in the same Redis. It needs Debian's redis-server;
 * without it, `npm run dev` runs the Worker on its memory backends instead (BACKENDS=memory, scripts/dev.ts) and
 * starts only the Kafka REST endpoint, in memory: see docs/local-stack.md.
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
}

export interface LocalStackEnv {
  UPSTASH_REDIS_REST_URL: string;
  UPSTASH_REDIS_REST_TOKEN: string;
  UPSTASH_KAFKA_REST_URL: string;
  UPSTASH_KAFKA_REST_USERNAME: string;
  UPSTASH_KAFKA_REST_PASSWORD: string;
}

export interface LocalStack {
  /** Tests stop/restart it to simulate an outage. */
  readonly redisServer: RedisServerHandle;
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

/** The Kafka REST endpoint the command-line tools talk to: UPSTASH_KAFKA_REST_*, else the local stack's. */
export function kafkaRestFromEnv(env: NodeJS.ProcessEnv = process.env): { url: string; username: string; password: string } {
  return {
    url: env.UPSTASH_KAFKA_REST_URL ?? `http://127.0.0.1:${LOCAL_DEFAULTS.kafkaRestPort}`,
    username: env.UPSTASH_KAFKA_REST_USERNAME ?? LOCAL_DEFAULTS.kafkaUsername,
    password: env.UPSTASH_KAFKA_REST_PASSWORD ?? LOCAL_DEFAULTS.kafkaPassword,
  };
}

export const NO_REDIS_SERVER =
  "redis-server not found on PATH: the local stack needs it (apt-get install -y redis-server). `npm run dev` runs " +
  "without it, on the Worker's memory backends (BACKENDS=memory).";

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  if (!hasRedisServerBinary()) throw new Error(NO_REDIS_SERVER);
  const token = options.redisToken ?? LOCAL_DEFAULTS.redisToken;
  const username = options.kafkaUsername ?? LOCAL_DEFAULTS.kafkaUsername;
  const password = options.kafkaPassword ?? LOCAL_DEFAULTS.kafkaPassword;

  const redisServer = await startRedisServer({ port: options.redisPort });
  const started: { close(): Promise<void> }[] = [];
  try {
    const upstashRedis = await startUpstashRest({ redis: redisServer.url, token, port: options.redisRestPort });
    started.push(upstashRedis);
    const kafka = await startKafkaRest({ redis: redisServer.url, username, password, port: options.kafkaRestPort });
    started.push(kafka);
    return {
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
        await shutdown(started, redisServer);
      },
    };
  } catch (error) {
    await shutdown(started, redisServer);
    throw error;
  }
}

async function shutdown(started: { close(): Promise<void> }[], redisServer: RedisServerHandle): Promise<void> {
  for (const s of started.reverse()) await s.close();
  await redisServer.stop();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      "redis-rest-port": { type: "string", default: String(LOCAL_DEFAULTS.redisRestPort) },
      "kafka-rest-port": { type: "string", default: String(LOCAL_DEFAULTS.kafkaRestPort) },
      "redis-port": { type: "string" },
    },
  });
  const stack = await startLocalStack({
    redisRestPort: Number(values["redis-rest-port"]),
    kafkaRestPort: Number(values["kafka-rest-port"]),
    redisPort: values["redis-port"] === undefined ? undefined : Number(values["redis-port"]),
  });
  console.log(`local stack up (redis-server at ${stack.redisServer.url})`);
  console.log(`  Upstash Redis REST  ${stack.upstashRedis.url}   (stats: GET ${stack.upstashRedis.url}/__stats)`);
  console.log(`  Kafka REST          ${stack.kafka.url}   (Upstash protocol + Confluent v3 at /kafka/v3; stats: GET /__stats)`);
  console.log("Environment for the Worker and the CLIs:");
  for (const [k, v] of Object.entries(stack.env)) console.log(`  ${k}=${v}`);
  console.log("Ctrl-C to stop.");
  exitOnSignal(() => stack.stop());
}

if (isMain(import.meta.url)) runMain(main);
