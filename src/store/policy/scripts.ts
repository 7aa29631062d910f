/**
 * The end of every change: the version bump and the audit record — the caller's JSON (`tail`: without its opening
 * brace) with the version it produced, and what it replaced (`old`, when the script set one), put in front.
 */
const bumpAndAudit = (settings: string, audit: string, tail: string, max: string) => `local v = redis.call('HINCRBY', ${settings}, 'version', 1)
local before = old and (',"before":' .. old) or ''
redis.call('LPUSH', ${audit}, '{"version":' .. v .. before .. ',' .. ${tail})
redis.call('LTRIM', ${audit}, 0, tonumber(${max}) - 1)`;

/**
 * A policy change as one Lua script: the entry (or thresholds), the version bump and the audit record are written
 * together or not at all. The audit record is the caller's JSON with the version (and what the change replaced)
 * put in front, so the record names the version its change produced. Keys: layout.ts.
 */

/**
 * KEYS: entries, ranges, ids, settings, audit, expiry (a sorted set of entry ids by expiry time).
 * ARGV: field, entry JSON, id, range JSON ('' for an address or a value: ranges keep no note, the Worker caches
 *       them), max entries, max ranges, audit record JSON without its opening brace, max audit, now (ms), the
 *       entry's expiry (ms, '' for none).
 * First the entries expired by now go (up to 100 per call: they no longer match, and must not count against the
 * limits). Reply: {'stored', version, replaced entry or nil} | {'full', 'entries' | 'ranges'} | {'collision'} (the
 * id is another value's: refused rather than repointed).
 */
export const PUT_ENTRY_SCRIPT = `#!lua flags=allow-key-locking
local expired = redis.call('ZRANGEBYSCORE', KEYS[6], '-inf', ARGV[9], 'LIMIT', 0, 100)
for _, id in ipairs(expired) do
  local f = redis.call('HGET', KEYS[3], id)
  if f then
    redis.call('HDEL', KEYS[1], f)
    redis.call('HDEL', KEYS[2], f)
  end
  redis.call('HDEL', KEYS[3], id)
  redis.call('ZREM', KEYS[6], id)
end
local prev = redis.call('HGET', KEYS[3], ARGV[3])
if prev and prev ~= ARGV[1] then return {'collision'} end
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return {'full', 'entries'} end
  if ARGV[4] ~= '' and redis.call('HLEN', KEYS[2]) >= tonumber(ARGV[6]) then return {'full', 'ranges'} end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if ARGV[4] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[4]) end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[1])
if ARGV[10] ~= '' then redis.call('ZADD', KEYS[6], ARGV[10], ARGV[3]) else redis.call('ZREM', KEYS[6], ARGV[3]) end
${bumpAndAudit("KEYS[4]", "KEYS[5]", "ARGV[7]", "ARGV[8]")}
return {'stored', v, old}
`;

/**
 * KEYS: entries, ranges, ids, settings, audit, expiry. ARGV: id, audit record JSON without its opening brace, max audit.
 * Reply: {'deleted', version, removed entry} | {'missing', version}.
 */
export const DELETE_ENTRY_SCRIPT = `#!lua flags=allow-key-locking
local field = redis.call('HGET', KEYS[3], ARGV[1])
if not field then return {'missing', tonumber(redis.call('HGET', KEYS[4], 'version') or '0')} end
local old = redis.call('HGET', KEYS[1], field)
redis.call('HDEL', KEYS[1], field)
redis.call('HDEL', KEYS[2], field)
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
${bumpAndAudit("KEYS[4]", "KEYS[5]", "ARGV[2]", "ARGV[3]")}
return {'deleted', v, old}
`;

/**
 * KEYS: settings, audit. ARGV: thresholds JSON ('' removes them), audit record JSON without its opening brace, max audit.
 * Reply: version.
 */
export const PUT_THRESHOLDS_SCRIPT = `#!lua flags=allow-key-locking
local old = redis.call('HGET', KEYS[1], 'thresholds')
if ARGV[1] == '' then redis.call('HDEL', KEYS[1], 'thresholds') else redis.call('HSET', KEYS[1], 'thresholds', ARGV[1]) end
${bumpAndAudit("KEYS[1]", "KEYS[2]", "ARGV[2]", "ARGV[3]")}
return v
`;

/**
 * KEYS: rules, settings, audit. ARGV: id, rule JSON, create (1/0), max rules, audit record JSON without its opening brace, max audit.
 * Reply: {'stored', version, replaced rule or nil} | {'full'} | {'missing'}.
 */
export const PUT_RULE_SCRIPT = `#!lua flags=allow-key-locking
local old = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[3] == '1' then
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return {'full'} end
elseif not old then
  return {'missing'}
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
${bumpAndAudit("KEYS[2]", "KEYS[3]", "ARGV[5]", "ARGV[6]")}
return {'stored', v, old}
`;

/** KEYS: rules, settings, audit. ARGV: id, audit record JSON without its opening brace, max audit. Reply: {'deleted', version, rule} | {'missing', version}. */
export const DELETE_RULE_SCRIPT = `#!lua flags=allow-key-locking
local old = redis.call('HGET', KEYS[1], ARGV[1])
if not old then return {'missing', tonumber(redis.call('HGET', KEYS[2], 'version') or '0')} end
redis.call('HDEL', KEYS[1], ARGV[1])
${bumpAndAudit("KEYS[2]", "KEYS[3]", "ARGV[2]", "ARGV[3]")}
return {'deleted', v, old}
`;
