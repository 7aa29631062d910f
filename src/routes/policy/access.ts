import { ApiError } from "../../errors/problem";
import { keyAccess } from "../../http/key-access";

/** Every policy route: secret keys with the `policy` scope, and only ever the key's own merchant's policy. */
export const policyAccess = keyAccess({ keys: ["secret"], scope: "policy" });

/** A policy store call; an unreachable or absent store is a 503, never a 500. */
export async function fromStore<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    throw new ApiError("store_unavailable", e instanceof Error ? e.message : undefined);
  }
}
