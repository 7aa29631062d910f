import { inject } from "vitest";
import { RELEASE_AGAIN_AFTER_MS } from "../../src/pipeline/after-response";

/**
 * Earlier files' post-response work still landing (the records and answers their scores keep after the answer; a
 * failed call's second release comes RELEASE_AGAIN_AFTER_MS later) would be counted by a test that counts the
 * local Upstash REST endpoint's requests: wait until the endpoint has been quiet for longer than that.
 */
export async function quietRedis(): Promise<void> {
  const requests = async () => ((await (await fetch(`${inject("redisRestUrl")}/__stats`)).json()) as { requests: number }).requests;
  const deadline = Date.now() + 4 * RELEASE_AGAIN_AFTER_MS;
  let last = await requests();
  let since = Date.now();
  while (Date.now() - since < RELEASE_AGAIN_AFTER_MS + 500 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await requests();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

export const QUIET_TIMEOUT_MS = 4 * RELEASE_AGAIN_AFTER_MS + 5_000;
