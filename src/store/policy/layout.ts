/**
 * Redis keys of a merchant's policy (docs/policy.md). A merchant id may contain `:`, but every key ends in one of
 * the fixed suffixes below, none of which does, so two merchants' keys never coincide.
 *   entries  HASH `<kind>:<value>` → entry JSON (every entry, ranges too: what a score looks up and a listing scans)
 *   ranges   HASH `ip:<range>` → entry JSON without its note (the IP ranges again: what the Worker caches and matches)
 *   ids      HASH entry id → its field in `entries`
 *   rules    HASH rule id → rule JSON (what the Worker caches and compiles)
 *   expiry   ZSET entry id by expiry time (ms): what a write purges once expired
 *   settings HASH version, thresholds (JSON)
 *   audit    LIST of audit records (JSON), newest first, trimmed to MAX_AUDIT_RECORDS
 */
const prefix = (merchant: string) => `pol:v1:${merchant}`;
export const policyKeys = (merchant: string) => ({
  entries: `${prefix(merchant)}:entries`,
  ranges: `${prefix(merchant)}:ranges`,
  ids: `${prefix(merchant)}:ids`,
  rules: `${prefix(merchant)}:rules`,
  expiry: `${prefix(merchant)}:expiry`,
  settings: `${prefix(merchant)}:settings`,
  audit: `${prefix(merchant)}:audit`,
});
