import { z } from "@hono/zod-openapi";
import { backendCall } from "../../http/backend-call";
import { keyAccess } from "../../http/key-access";

/** The feedback and review routes: secret keys with the `feedback` scope, only ever the key's own merchant's records. */
export const feedbackAccess = keyAccess({ keys: ["secret"], scope: "feedback" });

export const fromStore = <T>(call: () => Promise<T>): Promise<T> => backendCall("transaction store", call);

/** `{transaction_id}` in a path: the ids POST /v1/score takes. */
export const TransactionIdParams = z.object({
  transaction_id: z.string().min(1).max(128).regex(/^[A-Za-z0-9_.:-]+$/).openapi({ param: { name: "transaction_id", in: "path" } }),
});
