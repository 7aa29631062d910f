/**
 * `npm run dev`: the scorer on http://127.0.0.1:8787 with everything it needs. Starts the local stack
 * (redis-server behind an Upstash-REST endpoint, a Kafka REST endpoint — or an in-memory fallback when no
 * redis-server is installed), seeds the demo merchant's API keys, then runs `wrangler dev` pointed at them.
 */
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { LOCAL_DEFAULTS, startLocalStack, type LocalStack } from "./local/stack";
import { DEMO_MERCHANT_ID, DEMO_PUBLISHABLE_KEY, DEMO_SECRET_KEY, seedDemoMerchant } from "./seed-demo";

const PORT = Number(process.env.PORT ?? 8787);

async function startStack(): Promise<LocalStack> {
  try {
    return await startLocalStack({ redisRestPort: LOCAL_DEFAULTS.redisRestPort, kafkaRestPort: LOCAL_DEFAULTS.kafkaRestPort });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") throw e;
    console.warn(`dev: ports ${LOCAL_DEFAULTS.redisRestPort}/${LOCAL_DEFAULTS.kafkaRestPort} are taken; using free ports`);
    return startLocalStack();
  }
}

async function main(): Promise<void> {
  const stack = await startStack();
  console.log(`dev: local stack up (${stack.backend}): Redis REST ${stack.env.UPSTASH_REDIS_REST_URL}, Kafka REST ${stack.env.UPSTASH_KAFKA_REST_URL}`);
  await seed(stack);

  // wrangler reads the stack's addresses from an env file, so no secret lands on a command line or in git.
  mkdirSync(".wrangler", { recursive: true });
  const envFile = ".wrangler/dev-stack.env";
  writeFileSync(envFile, Object.entries(stack.env).map(([k, v]) => `${k}=${v}`).join("\n") + "\n");

  const wrangler = spawn(
    "npx",
    ["wrangler", "dev", "--ip", "127.0.0.1", "--port", String(PORT), "--env-file", envFile, "--test-scheduled", "--show-interactive-dev-session=false"],
    { stdio: "inherit" },
  );
  const stop = () => wrangler.kill("SIGINT");
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const code = await new Promise<number>((resolve) => wrangler.on("exit", (c) => resolve(c ?? 0)));
  await stack.stop();
  process.exit(code);
}

/** The demo merchant's keys, so the README's requests work unchanged. */
async function seed(stack: LocalStack): Promise<void> {
  await seedDemoMerchant(stack.env);
  console.log(`dev: demo merchant ${DEMO_MERCHANT_ID}: secret key ${DEMO_SECRET_KEY}, publishable key ${DEMO_PUBLISHABLE_KEY} (see README)`);
}

main().catch((e: unknown) => {
  console.error("dev:", e);
  process.exit(1);
});
