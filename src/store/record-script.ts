/**
 * The feature store's one round trip, as a Redis Lua script (atomic, so parallel scores on one entity all count;
 * Upstash runs it via EVALSHA). It is the Redis form of `applyEvent` in src/features/state.ts — drop events at or
 * before `t - RETENTION_MS`, add the event once, keep each merchant's newest MAX_EVENTS_PER_MERCHANT, keep the
 * newest MAX_EVENTS, keep first/last seen — and checks each item's idempotency key first. Feature logic stays in
 * TypeScript; the parity tests replay the same history through both and compare.
 *
 * Work is bounded by the call, not by items × history: each distinct entity's state is read once, before any item
 * is recorded, and returned once; redis.ts rebuilds every item's "state before" from it with `applyEvent`, in item
 * order, exactly as this script applies them. Sizes are tracked here instead of asked again, and the history is
 * trimmed only when an item's time moves the window. A merchant's own events are indexed per (entity, merchant)
 * so its oldest is found without scanning the entity's history; that index may still name events the entity has
 * since dropped (its total cap, its window), so it is checked against the history whenever that could matter.
 *
 * KEYS: one idempotency key per item; then per distinct entity its events zset and meta hash; then per distinct
 *       (entity, merchant) pair that merchant's index zset.
 * ARGV: items, entities, pairs, retention ms, max events, max per merchant, pending ttl s, meta ttl s; then per
 *       item: reservation, fingerprint, t, member, entity count, and (entity index, pair index) per entity.
 * Reply: { per item {'recorded'} | {'in_progress'} | {'mismatch'} | {'stored', answer},
 *          per entity {first, last, member...} as it was before the call }.
 */
export const RECORD_SCRIPT = `
local n, ne, np = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local retention, maxEvents, perMerchant = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local pendingTtl, metaTtl = tonumber(ARGV[7]), tonumber(ARGV[8])

local states, first, last, size, trimmedAt, touched = {}, {}, {}, {}, {}, {}
for e = 1, ne do
  local ev, meta = KEYS[n + 2 * e - 1], KEYS[n + 2 * e]
  local seen = redis.call('HMGET', meta, 'first', 'last')
  local state = {seen[1] or '', seen[2] or ''}
  local members = redis.call('ZRANGE', ev, 0, -1)
  for _, m in ipairs(members) do state[#state + 1] = m end
  states[e], first[e], last[e], size[e] = state, tonumber(seen[1]), tonumber(seen[2]), #members
end
-- Per pair: its index's size (read when first used), the window it was last trimmed to, and whether the index is
-- known to name only events its entity still holds.
local psize, ptrimmedAt, verified, ptouched = {}, {}, {}, {}

local function dropOldest(key)
  local oldest = redis.call('ZRANGE', key, 0, 0)[1]
  redis.call('ZREM', key, oldest)
  return oldest
end

-- The entity dropped events (window or total cap): its merchants' indexes may name them now.
local function unverify(e)
  for q, of in pairs(verified) do if of == e then verified[q] = nil end end
end

local function record(e, p, t, tstr, member)
  local ev, meta, own = KEYS[n + 2 * e - 1], KEYS[n + 2 * e], KEYS[n + 2 * ne + p]
  local cutoff = t - retention
  if not trimmedAt[e] or cutoff > trimmedAt[e] then
    local gone = redis.call('ZREMRANGEBYSCORE', ev, '-inf', cutoff)
    size[e], trimmedAt[e] = size[e] - gone, cutoff
    if gone > 0 then unverify(e) end
  end
  size[e] = size[e] + redis.call('ZADD', ev, t, member)
  -- An event older than the window last trimmed to (out of order): a later, wider trim must see it.
  if trimmedAt[e] and t <= trimmedAt[e] then trimmedAt[e] = nil end

  if not psize[p] then psize[p] = redis.call('ZCARD', own) end
  if not ptrimmedAt[p] or cutoff > ptrimmedAt[p] then
    psize[p], ptrimmedAt[p] = psize[p] - redis.call('ZREMRANGEBYSCORE', own, '-inf', cutoff), cutoff
  end
  psize[p] = psize[p] + redis.call('ZADD', own, t, member)
  if ptrimmedAt[p] and t <= ptrimmedAt[p] then ptrimmedAt[p] = nil end
  if psize[p] > perMerchant and verified[p] ~= e then
    for _, x in ipairs(redis.call('ZRANGE', own, 0, -1)) do
      if not redis.call('ZSCORE', ev, x) then psize[p] = psize[p] - redis.call('ZREM', own, x) end
    end
    verified[p] = e
  end
  if psize[p] > perMerchant then
    size[e] = size[e] - redis.call('ZREM', ev, dropOldest(own))
    psize[p] = psize[p] - 1
  end
  if size[e] > maxEvents then
    dropOldest(ev)
    size[e] = size[e] - 1
    unverify(e)
  end

  if not first[e] or t < first[e] then first[e] = t; redis.call('HSET', meta, 'first', tstr) end
  if not last[e] or t > last[e] then last[e] = t; redis.call('HSET', meta, 'last', tstr) end
  touched[e], ptouched[p] = true, true
end

local out = {}
local a = 9
for i = 1, n do
  local idem, reservation, fp, tstr, member, m = KEYS[i], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], tonumber(ARGV[a + 4])
  local refs = a + 5
  a = refs + 2 * m
  local prior = redis.call('GET', idem)
  if prior then
    if string.sub(prior, 1, 8) ~= 'pending:' then out[i] = {'stored', prior}
    elseif string.sub(prior, 9, 8 + #fp) == fp then out[i] = {'in_progress'}
    else out[i] = {'mismatch'} end
  else
    redis.call('SET', idem, reservation, 'EX', pendingTtl)
    for j = 0, m - 1 do record(tonumber(ARGV[refs + 2 * j]), tonumber(ARGV[refs + 2 * j + 1]), tonumber(tstr), tstr, member) end
    out[i] = {'recorded'}
  end
end
for e in pairs(touched) do
  redis.call('PEXPIRE', KEYS[n + 2 * e - 1], retention)
  redis.call('EXPIRE', KEYS[n + 2 * e], metaTtl)
end
for p in pairs(ptouched) do redis.call('PEXPIRE', KEYS[n + 2 * ne + p], retention) end
return {out, states}
`;

/**
 * Undoes what a score's record call did when its answer never came back (a timeout): only while the reservation
 * it set is still there and still its own (so a retry that reserved since is left alone), it deletes the
 * reservation and removes the event from each entity and merchant index. First/last seen stay as recorded.
 * KEYS: idempotency key, then per entity its events zset and the merchant's index. ARGV: reservation, member.
 */
export const RELEASE_SCRIPT = `
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
export const SAVE_SCRIPT = `
local saved = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[2 * i] then
    redis.call('SET', KEYS[i], ARGV[2 * i + 1], 'EX', tonumber(ARGV[1]))
    saved = saved + 1
  end
end
return saved
`;
