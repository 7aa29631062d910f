import { backendCall } from "../../http/backend-call";
import { keyAccess } from "../../http/key-access";

/** Every policy route: secret keys with the `policy` scope, and only ever the key's own merchant's policy. */
export const policyAccess = keyAccess({ keys: ["secret"], scope: "policy" });

/** A policy store call (http/backend-call.ts): a 503, never a 500, when the store is absent or unreachable. */
export const fromStore = <T>(call: () => Promise<T>): Promise<T> => backendCall("policy store", call);
