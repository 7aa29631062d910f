import { chromium, type Browser } from "playwright-core";
import { startCheckoutServer, type CheckoutServer } from "../../examples/checkout/serve";
import { startWorker } from "../../scripts/bench/start-worker";
import { startLocalStack, type LocalStack } from "../../scripts/local/stack";

export { CHROMIUM, CHROMIUM_ARGS } from "../../scripts/local/chromium";
import { CHROMIUM, CHROMIUM_ARGS } from "../../scripts/local/chromium";

export interface E2E {
  stack: LocalStack;
  /** The scorer's origin, e.g. http://127.0.0.1:41234 (no trailing slash). */
  api: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** The local stack, the scoring Worker under wrangler against it, and a headless Chromium. */
export async function startE2E(vars: Record<string, string> = {}, opts: { persist?: string } = {}): Promise<E2E> {
  const stack = await startLocalStack();
  const stops: (() => Promise<unknown>)[] = [() => stack.stop()];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch((e: unknown) => console.error("e2e teardown:", e));
  };
  try {
    const worker = await startWorker({ vars: { ENVIRONMENT: "e2e", ...stack.env, REDIS_TIMEOUT_MS: "1000", ...vars }, ...(opts.persist && { persist: opts.persist }) });
    stops.push(() => worker.dispose());
    const api = (await worker.url).origin;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    stops.push(() => browser.close());
    return { stack, api, browser, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The example checkout page on its own origin; `undefined` when the port is taken (e.g. by a running `npm run dev`). */
export async function tryCheckoutServer(port = 0): Promise<CheckoutServer | undefined> {
  try {
    return await startCheckoutServer(port);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") return undefined;
    throw e;
  }
}
