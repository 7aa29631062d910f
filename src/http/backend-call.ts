import { NotConfiguredError } from "../errors/not-configured";
import { ApiError } from "../errors/problem";

/**
 * A management route's call to a backend: absent (not configured) or unreachable, it is a 503 with `Retry-After`,
 * never a 500. The error's own text stays in the log as its name only (an Upstash error quotes its command); the
 * caller is told what to do.
 */
export async function backendCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof NotConfiguredError) throw new ApiError("store_unavailable", e.message);
    console.error(`${what}:`, e instanceof Error ? e.name : typeof e);
    throw new ApiError("store_unavailable", `The ${what} is not reachable right now; retry shortly`, undefined, { "Retry-After": "1" });
  }
}
