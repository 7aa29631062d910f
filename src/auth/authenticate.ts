import { ApiError } from "../errors/problem";
import { parseKey, type KeyKind, type KeyMode } from "./api-key";
import { digestsEqual, rememberedKeyDigest } from "./hash";
import { KeyLookupUnavailable, type CachePolicy, type KeyCache } from "./key-cache";
import type { KeyStore } from "./keys/interface";
import { NO_KEY_STORE } from "./keys/not-configured";
import { isRevoked, rateLimitOf, type ApiKeyRecord, type RateLimitPolicy, type Scope } from "./key-record";

/** Who is calling, as their key says. Set on the request by the key middleware (src/http/key-access.ts). */
export interface Principal {
  keyId: string;
  kind: KeyKind;
  mode: KeyMode;
  merchantId: string;
  scopes: readonly Scope[];
  allowedOrigins: readonly string[];
  rateLimit: RateLimitPolicy;
}

/** What authentication needs from the isolate. */
export interface KeyAuth {
  source: KeyStore;
  cache: KeyCache;
  policy: CachePolicy;
  /** Live keys are accepted only in production, test keys everywhere else (docs/auth.md). */
  production: boolean;
}

const REALM = `Bearer realm="edge-fraud-scorer"`;

/** RFC 6750 §3: a 401 names the scheme; `invalid_token` when a key was sent but is no good. */
const unauthorized = (detail: string, sent: boolean) =>
  new ApiError("unauthorized", detail, undefined, { "WWW-Authenticate": sent ? `${REALM}, error="invalid_token"` : REALM });

/** The bearer token of an `Authorization` header; the scheme is case-insensitive (RFC 9110 §11.1). */
export function bearerToken(header: string | undefined): string | undefined {
  return header?.match(/^Bearer +(\S+) *$/i)?.[1];
}

/**
 * The principal behind an `Authorization: Bearer <key>` header, or a 401. Looks the key up by its SHA-256 (through
 * the isolate cache); a key store that cannot be reached with nothing cached is a 503, never a pass.
 */
export async function authenticate(authorization: string | undefined, auth: KeyAuth): Promise<Principal> {
  // Nothing can be verified without a key store, whatever was sent: answered before reading the header.
  if (auth.source.kind === "not_configured") throw new ApiError("store_unavailable", NO_KEY_STORE);
  if (!authorization) throw unauthorized("Send your API key in the header Authorization: Bearer <key>", false);
  const key = bearerToken(authorization);
  if (!key) throw unauthorized("The Authorization header must be `Bearer <key>`", true);
  const claimed = parseKey(key);
  if (!claimed) throw unauthorized("That is not an API key of this service (they start with pk_ or sk_)", true);

  const digest = await rememberedKeyDigest(key);
  let record: ApiKeyRecord | null;
  try {
    record = await auth.cache.lookup(digest, auth.source, auth.policy);
  } catch (e) {
    if (!(e instanceof KeyLookupUnavailable)) throw e;
    console.error("auth:", e.message);
    throw new ApiError("store_unavailable", "API keys cannot be verified right now; retry shortly", undefined, { "Retry-After": "1" });
  }
  // The record is stored under the digest, so it matched; comparing again (in constant time) also guards against
  // a record filed under the wrong Redis key, and the prefix must agree with what the record says the key is.
  if (!record || !digestsEqual(record.sha256, digest) || record.kind !== claimed.kind || record.mode !== claimed.mode) {
    throw unauthorized("Unknown API key", true);
  }
  if (isRevoked(record, Date.now())) throw unauthorized(`API key ${record.id} was revoked`, true);
  if ((record.mode === "live") !== auth.production) {
    throw unauthorized(`${record.mode === "live" ? "Live" : "Test"} keys are not accepted by this deployment`, true);
  }
  return {
    keyId: record.id,
    kind: record.kind,
    mode: record.mode,
    merchantId: record.merchant_id,
    scopes: record.scopes,
    allowedOrigins: record.allowed_origins,
    rateLimit: rateLimitOf(record),
  };
}
