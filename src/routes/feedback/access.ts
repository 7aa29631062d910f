import { backendCall } from "../../http/backend-call";
import { keyAccess } from "../../http/key-access";

/** The feedback and review routes: secret keys with the `feedback` scope, only ever the key's own merchant's records. */
export const feedbackAccess = keyAccess({ keys: ["secret"], scope: "feedback" });

export const fromStore = <T>(call: () => Promise<T>): Promise<T> => backendCall("transaction store", call);
