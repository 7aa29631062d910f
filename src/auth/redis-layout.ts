/**
 * Redis key layout of API keys and rate limits (docs/auth.md), beside the feature store's `fs:v1:` and `idem:v1:`.
 * The version segment lets a future record layout live beside this one during a migration.
 */
export const AUTH_KEY_VERSION = "v1";
/** JSON record of one key, by the hex SHA-256 of the key string: the one read a request's authentication makes. */
export const keyRecordKey = (sha256: string) => `auth:${AUTH_KEY_VERSION}:key:${sha256}`;
/** SET of the digests of a merchant's keys, for listing and revoking by id. */
export const merchantKeysKey = (merchantId: string) => `auth:${AUTH_KEY_VERSION}:merchant:${merchantId}:keys`;
/** Prefix of @upstash/ratelimit's counters: `rl:v1:<identifier>:<window number>`. */
export const RATE_LIMIT_PREFIX = `rl:${AUTH_KEY_VERSION}`;
