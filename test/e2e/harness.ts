import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/**
 * The seed-7 fixture model (test/fixtures/model-seed-7) as a version of its own, in a fresh directory that
 * `npm run models -- publish <dir>` takes: the card and the reference vectors renamed (versions are immutable,
 * and wrangler's local R2 persists between runs).
 */
export function renamedFixtureModel(version: string): string {
  const from = new URL("../fixtures/model-seed-7", import.meta.url).pathname;
  const dir = mkdtempSync(join(tmpdir(), "model-seed-7-"));
  const card = JSON.parse(readFileSync(join(from, "fraud-gbdt.card.json"), "utf8")) as { version: string };
  card.version = version;
  writeFileSync(join(dir, "fraud-gbdt.card.json"), JSON.stringify(card));
  const reference = JSON.parse(readFileSync(join(from, "fraud-gbdt.reference.json"), "utf8")) as { model: { version: string } };
  reference.model.version = version;
  writeFileSync(join(dir, "fraud-gbdt.reference.json"), JSON.stringify(reference));
  copyFileSync(join(from, "fraud-gbdt.onnx"), join(dir, "fraud-gbdt.onnx"));
  return dir;
}

