import { DEV_ADMIN_TOKEN, REPLAY_KEY } from "./seed-demo";

/**
 * The command-line tools' target: a scorer URL, and the credentials they may assume for it. The dev admin token
 * and the demo replay key are public (they are in this repository), so they are only ever offered to a scorer on
 * this machine; anywhere else the operator's ADMIN_TOKEN / SCORER_API_KEY must be set.
 */
export const isLoopback = (url: string): boolean => /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(url);

export function targetOf(url: string | undefined, env: NodeJS.ProcessEnv): { base: string; loopback: boolean; adminToken?: string; apiKey?: string } {
  const base = (url ?? env.SCORER_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
  const loopback = isLoopback(base);
  const adminToken = env.ADMIN_TOKEN ?? (loopback ? DEV_ADMIN_TOKEN : undefined);
  const apiKey = env.SCORER_API_KEY ?? (loopback ? REPLAY_KEY.key : undefined);
  return { base, loopback, ...(adminToken !== undefined && { adminToken }), ...(apiKey !== undefined && { apiKey }) };
}
