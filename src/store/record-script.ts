/** Lua: the merchant of a member that is a JSON array starting with it (events, fraud marks). */
export const MERCHANT_OF = `-- The merchant of a member: its first JSON token, a string literal ending at the first unescaped quote.
local function merchantOf(m)
  local from = 3
  while true do
    local q = string.find(m, '"', from, true)
    local k = q - 1
    while string.byte(m, k) == 92 do k = k - 1 end
    if (q - 1 - k) % 2 == 0 then return string.sub(m, 2, q) end
    from = q + 1
  end
end`;

/**
 * The feature store's round trip, as Redis Lua scripts (each atomic, so parallel scores on one entity all count;
 * Upstash runs them via EVALSHA). RECORD_SCRIPT is the Redis form of `applyEvent` in src/features/state.ts — drop
 * events at or before `t - RETENTION_MS`, add the event once, keep the merchant's newest MAX_EVENTS_PER_MERCHANT,
 * keep the newest MAX_EVENTS, keep first/last seen — after checking each item's idempotency key. Feature logic
 * stays in TypeScript; the parity tests replay the same history through both and compare.
 *
 * Work is bounded by the call, not by items × history: each distinct entity's history is read once, before any
 * item is recorded, and returned once; redis.ts rebuilds every item's "state before" from it with `applyEvent`,
 * in item order, exactly as this script applies them. The script keeps the history in order beside Redis (Redis
 * says where a member lands, ZRANK, so no string is ever compared here: Lua's comparison follows the server's
 * locale, a sorted set's does not), knows whose each event is from the member's first JSON token, and counts
 * per merchant. redis.ts sends at most a bounded number of items per call (several calls go in one pipeline).
 *
 * `allow-key-locking`: every key a script touches is in KEYS, so Upstash locks only those, and a large batch
 * holds up only the scores that name the same entities. (The local REST endpoint drops the flag, which
 * redis-server does not know.)
 *
 * KEYS: one idempotency key per item; then per distinct entity its events zset, meta hash and confirmed-fraud
 *       marks zset (only read here: the label script writes it, src/store/transactions/scripts.ts MARK_SCRIPT).
 * ARGV: items, entities, retention ms, max events, max per merchant, pending ttl s, meta ttl s; then per item:
 *       reservation, fingerprint, t, member, merchant (as JSON), entity count, and an entity index per entity.
 * Reply: { per item {'recorded'} | {'in_progress'} | {'mismatch'} | {'stored', answer},
 *          per entity {first, last, member...} as it was before the call,
 *          per entity {mark, t, mark, t...} }.
 */
export const RECORD_SCRIPT = `#!lua flags=allow-key-locking
local n, ne = tonumber(ARGV[1]), tonumber(ARGV[2])
local retention, maxEvents, perMerchant = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local pendingTtl, metaTtl = tonumber(ARGV[6]), tonumber(ARGV[7])

${MERCHANT_OF}

-- Per entity: the history in sorted-set order (entries {member, score, merchant}), members present, counts
-- per merchant, first/last seen.
local states, hist, present, counts, first, last, touched, marks = {}, {}, {}, {}, {}, {}, {}, {}
for e = 1, ne do
  local ev, meta = KEYS[n + 3 * e - 2], KEYS[n + 3 * e - 1]
  marks[e] = redis.call('ZRANGE', KEYS[n + 3 * e], 0, -1, 'WITHSCORES')
  local seen = redis.call('HMGET', meta, 'first', 'last')
  local state = {seen[1] or '', seen[2] or ''}
  local raw = redis.call('ZRANGE', ev, 0, -1, 'WITHSCORES')
  local h, p, c = {}, {}, {}
  for i = 1, #raw, 2 do
    local m = raw[i]
    local who = merchantOf(m)
    h[#h + 1] = {m, tonumber(raw[i + 1]), who}
    p[m] = true
    c[who] = (c[who] or 0) + 1
    state[#state + 1] = m
  end
  states[e], hist[e], present[e], counts[e], first[e], last[e] = state, h, p, c, tonumber(seen[1]), tonumber(seen[2])
end

local function drop(e, i)
  local entry = table.remove(hist[e], i)
  redis.call('ZREM', KEYS[n + 3 * e - 2], entry[1])
  present[e][entry[1]] = nil
  counts[e][entry[3]] = counts[e][entry[3]] - 1
end

local function record(e, t, tstr, member, who)
  local ev, meta, h = KEYS[n + 3 * e - 2], KEYS[n + 3 * e - 1], hist[e]
  local cutoff = t - retention
  while h[1] and h[1][2] <= cutoff do drop(e, 1) end
  if not present[e][member] then
    redis.call('ZADD', ev, t, member)
    table.insert(h, redis.call('ZRANK', ev, member) + 1, {member, t, who})
    present[e][member] = true
    counts[e][who] = (counts[e][who] or 0) + 1
    if counts[e][who] > perMerchant then
      for i = 1, #h do if h[i][3] == who then drop(e, i) break end end
    end
    if #h > maxEvents then drop(e, 1) end
  end
  if not first[e] or t < first[e] then first[e] = t; redis.call('HSET', meta, 'first', tstr) end
  if not last[e] or t > last[e] then last[e] = t; redis.call('HSET', meta, 'last', tstr) end
  touched[e] = true
end

local out = {}
local a = 8
for i = 1, n do
  local idem, reservation, fp, tstr, member, who, m = KEYS[i], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4], tonumber(ARGV[a + 5])
  local refs = a + 6
  a = refs + m
  local prior = redis.call('GET', idem)
  if prior then
    if string.sub(prior, 1, 8) ~= 'pending:' then out[i] = {'stored', prior}
    elseif string.sub(prior, 9, 8 + #fp) == fp then out[i] = {'in_progress'}
    else out[i] = {'mismatch'} end
  else
    redis.call('SET', idem, reservation, 'EX', pendingTtl)
    for j = 0, m - 1 do record(tonumber(ARGV[refs + j]), tonumber(tstr), tstr, member, who) end
    out[i] = {'recorded'}
  end
end
for e in pairs(touched) do
  redis.call('PEXPIRE', KEYS[n + 3 * e - 2], retention)
  redis.call('EXPIRE', KEYS[n + 3 * e - 1], metaTtl)
end
return {out, states, marks}
`;

/**
 * What a merchant's policy (src/store/policy/layout.ts) says of a score's values: sent beside the record script, in
 * the same HTTP request (one round trip), but as a script of its own that only reads — so with `allow-key-locking`
 * it takes shared locks, and a merchant's scores do not queue behind one another on its policy keys (a script that
 * writes locks every key it names exclusively).
 * KEYS: the merchant's entries, ranges, settings and rules hashes.
 * ARGV: the policy version the Worker holds ('-': do not send the contents), then the fields to look up.
 * Reply: {version, {entry or false per field}} and, when the version is not the one held, {…, {range entry…},
 *        {rule…}, thresholds}.
 */
export const POLICY_LOOKUP_SCRIPT = `#!lua flags=no-writes,allow-key-locking
local version = redis.call('HGET', KEYS[3], 'version') or '0'
local hits = {}
if #ARGV > 1 then hits = redis.call('HMGET', KEYS[1], unpack(ARGV, 2, #ARGV)) end
local out = {version, hits}
if ARGV[1] ~= '-' and version ~= ARGV[1] then
  out[3] = redis.call('HVALS', KEYS[2])
  out[4] = redis.call('HVALS', KEYS[4])
  out[5] = redis.call('HGET', KEYS[3], 'thresholds')
end
return out
`;

/**
 * Undoes what a score's record call did when its answer never came back (a timeout): only while the reservation
 * it set is still there and still its own (so a retry that reserved since is left alone), it deletes the
 * reservation and removes the event from each entity. First/last seen stay as recorded.
 * KEYS: idempotency key, then each entity's events zset. ARGV: reservation, member.
 */
export const RELEASE_SCRIPT = `#!lua flags=allow-key-locking
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
for k = 2, #KEYS do redis.call('ZREM', KEYS[k], ARGV[2]) end
return 1
`;

/**
 * Stores answers under their idempotency keys, each only while the reservation its score set is still there:
 * an expired reservation is not revived, and another attempt's is not overwritten.
 * KEYS: idempotency keys. ARGV: ttl s, then per key its reservation and the answer to store.
 */
export const SAVE_SCRIPT = `#!lua flags=allow-key-locking
local saved = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[2 * i] then
    redis.call('SET', KEYS[i], ARGV[2 * i + 1], 'EX', tonumber(ARGV[1]))
    saved = saved + 1
  end
end
return saved
`;
