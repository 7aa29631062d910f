/**
 * `npm run dev`: the scorer on http://127.0.0.1:8787 with everything it needs, then `wrangler dev` pointed at it.
 * - With Debian's redis-server on PATH: the local stack (redis-server behind an Upstash-REST endpoint, a Kafka
 *   REST endpoint keeping topics in the same Redis), the demo merchant's API keys stored in it.
 * - Without it: the Worker runs on its memory backends (BACKENDS=memory: behaviour, API keys, rate limits and the
 *   alert spill in its isolate), seeded with the demo keys, and only the Kafka REST endpoint is started (in
 *   memory). The README's requests answer the same; what differs is printed.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { startKafkaRest } from "./local/kafka/kafka-rest";
import { hasRedisServerBinary } from "./local/redis-server-process";
import { LOCAL_DEFAULTS, startLocalStack } from "./local/stack";
import { DEMO_KEYS, DEMO_MERCHANT_ID, DEMO_PUBLISHABLE_KEY, DEMO_SECRET_KEY, recordsFor, seedDemoMerchant } from "./seed-demo";

const PORT = Number(process.env.PORT ?? 8787);
const WRANGLER = createRequire(import.meta.url).resolve("wrangler/bin/wrangler.js");

/** What wrangler dev is given, and how to take it down again. */
interface Local {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** On fixed ports so the CLIs' defaults reach it; on free ones when another run holds them. */
async function onDefaultPorts<T>(ports: { redisRestPort?: number; kafkaRestPort?: number }, start: (ports: { redisRestPort?: number; kafkaRestPort?: number }) => Promise<T>): Promise<T> {
  try {
    return await start(ports);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    console.warn(`dev: port(s) ${Object.values(ports).join("/")} taken; using free ports`);
    return start({});
  }
}

async function redisStack(): Promise<Local> {
  const stack = await onDefaultPorts({ redisRestPort: LOCAL_DEFAULTS.redisRestPort, kafkaRestPort: LOCAL_DEFAULTS.kafkaRestPort }, (ports) => startLocalStack(ports));
  console.log(`dev: local stack up (redis-server): Redis REST ${stack.env.UPSTASH_REDIS_REST_URL}, Kafka REST ${stack.env.UPSTASH_KAFKA_REST_URL}`);
  await seedDemoMerchant(stack.env);
  return { env: { ...stack.env }, stop: () => stack.stop() };
}

async function memoryBackends(): Promise<Local> {
  const { kafkaUsername: username, kafkaPassword: password } = LOCAL_DEFAULTS;
  const kafka = await onDefaultPorts({ kafkaRestPort: LOCAL_DEFAULTS.kafkaRestPort }, ({ kafkaRestPort }) => startKafkaRest({ username, password, port: kafkaRestPort }));
  console.warn(
    "dev: redis-server not found on PATH, so the Worker runs on its memory backends (BACKENDS=memory): behaviour, API " +
      "keys, rate limits and the alert spill live in its isolate — lost whenever wrangler reloads it, and out of reach " +
      "of the command-line tools (npm run keys, npm run seed). For the full local stack: apt-get install -y redis-server",
  );
  console.log(`dev: Kafka REST ${kafka.url} (in memory)`);
  return {
    env: {
      BACKENDS: "memory",
      // Digests only, as the key store holds them; the demo keys themselves are public test keys.
      SEED_API_KEYS: JSON.stringify(await recordsFor(DEMO_KEYS)),
      UPSTASH_KAFKA_REST_URL: kafka.url,
      UPSTASH_KAFKA_REST_USERNAME: username,
      UPSTASH_KAFKA_REST_PASSWORD: password,
    },
    stop: () => kafka.close(),
  };
}

async function main(): Promise<void> {
  const local = hasRedisServerBinary() ? await redisStack() : await memoryBackends();
  console.log(`dev: demo merchant ${DEMO_MERCHANT_ID}: secret key ${DEMO_SECRET_KEY}, publishable key ${DEMO_PUBLISHABLE_KEY} (see README)`);

  // wrangler reads the addresses from an env file (one per port, so two dev servers do not share one), so no secret
  // lands on a command line or in git. Single quotes: dotenv takes the JSON of SEED_API_KEYS literally.
  mkdirSync(".wrangler", { recursive: true });
  const envFile = `.wrangler/dev-stack-${PORT}.env`;
  for (const [k, v] of Object.entries(local.env)) if (v.includes("'")) throw new Error(`dev: ${k} holds a single quote, which the env file cannot carry`);
  writeFileSync(envFile, Object.entries(local.env).map(([k, v]) => `${k}='${v}'`).join("\n") + "\n");

  // wrangler's own entry point, not `npx wrangler`: npm's wrapper would not pass our SIGINT on, leaving workerd behind.
  const wrangler = spawn(
    process.execPath,
    [WRANGLER, "dev", "--ip", "127.0.0.1", "--port", String(PORT), "--env-file", envFile, "--test-scheduled", "--show-interactive-dev-session=false"],
    { stdio: "inherit" },
  );
  const stop = () => wrangler.kill("SIGINT");
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const code = await new Promise<number>((resolve) => wrangler.on("exit", (c) => resolve(c ?? 0)));
  await local.stop();
  process.exit(code);
}

main().catch((e: unknown) => {
  console.error("dev:", e);
  process.exit(1);
});
