import { NotConfiguredError } from "../../errors/not-configured";
import { ApiError } from "../../errors/problem";
import { keyAccess } from "../../http/key-access";

/** Every policy route: secret keys with the `policy` scope, and only ever the key's own merchant's policy. */
export const policyAccess = keyAccess({ keys: ["secret"], scope: "policy" });

/**
 * A policy store call; an unreachable or absent store is a 503, never a 500. The error's text stays in the log (an
 * Upstash error quotes its command); the caller is told only what to do.
 */
export async function fromStore<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof NotConfiguredError) throw new ApiError("store_unavailable", e.message);
    console.error("policy store:", e instanceof Error ? e.name : typeof e);
    throw new ApiError("store_unavailable", "The policy store is not reachable right now; retry shortly", undefined, { "Retry-After": "1" });
  }
}
