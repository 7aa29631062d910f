import { roundMs } from "../utils/round";

/**
 * Adds a `Server-Timing` metric (W3C Server Timing) to a response, so what authentication and rate limiting cost
 * a request can be read off any response (scripts/bench/auth-latency.ts does exactly that).
 */
export function appendServerTiming(res: Response, name: string, ms: number, desc?: string): void {
  res.headers.append("Server-Timing", `${name};dur=${roundMs(ms)}${desc ? `;desc="${desc}"` : ""}`);
}
