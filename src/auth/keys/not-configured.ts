import { NotConfiguredError } from "../../errors/not-configured";
import type { KeyStore } from "./interface";

export const NO_KEY_STORE = "No key store is configured (UPSTASH_REDIS_REST_URL): API keys cannot be verified";

/** No key store: a key cannot be verified, so every protected route answers 503 (never lets a request through). */
export class NotConfiguredKeyStore implements KeyStore {
  readonly kind = "not_configured" as const;

  async get(): Promise<never> {
    throw new NotConfiguredError(NO_KEY_STORE);
  }

  async put(): Promise<never> {
    throw new NotConfiguredError(NO_KEY_STORE);
  }

  async list(): Promise<never> {
    throw new NotConfiguredError(NO_KEY_STORE);
  }
}
