/**
 * The feature store's one round trip, as a Redis Lua script (atomic, so parallel scores on one entity all count;
 * Upstash runs it via EVALSHA). It is the Redis form of `applyEvent` in src/features/state.ts — append the event,
 * drop events at or before `t - RETENTION_MS`, keep the newest MAX_EVENTS, keep first/last seen — and returns
 * each entity's state *before* the event. Feature logic stays in TypeScript; the parity tests replay the same
 * history through both and compare.
 *
 * KEYS, per item: idempotency key, then (events zset, meta hash) per entity.
 * ARGV: item count, retention ms, max events, pending ttl s, meta ttl s, then per item: t, member, entities.
 * Reply, per item: {"replay", stored} | {"recorded", {first, last, member...} per entity}.
 */
export const RECORD_SCRIPT = `
local n = tonumber(ARGV[1])
local retention = tonumber(ARGV[2])
local maxEvents = tonumber(ARGV[3])
local pendingTtl = tonumber(ARGV[4])
local metaTtl = tonumber(ARGV[5])
local k, a = 1, 6
local out = {}
for i = 1, n do
  local idemKey = KEYS[k]
  local t = tonumber(ARGV[a])
  local member = ARGV[a + 1]
  local m = tonumber(ARGV[a + 2])
  k, a = k + 1, a + 3
  local prior = redis.call('GET', idemKey)
  if prior then
    out[i] = {'replay', prior}
    k = k + 2 * m
  else
    redis.call('SET', idemKey, 'pending', 'EX', pendingTtl)
    local states = {}
    for j = 1, m do
      local ev, meta = KEYS[k], KEYS[k + 1]
      k = k + 2
      local seen = redis.call('HMGET', meta, 'first', 'last')
      local state = {seen[1] or '', seen[2] or ''}
      for _, e in ipairs(redis.call('ZRANGE', ev, 0, -1)) do state[#state + 1] = e end
      states[j] = state
      redis.call('ZADD', ev, t, member)
      redis.call('ZREMRANGEBYSCORE', ev, '-inf', t - retention)
      redis.call('ZREMRANGEBYRANK', ev, 0, -(maxEvents + 1))
      redis.call('PEXPIRE', ev, retention)
      local first, last = tonumber(seen[1]), tonumber(seen[2])
      if not first or t < first then redis.call('HSET', meta, 'first', ARGV[a - 3]) end
      if not last or t > last then redis.call('HSET', meta, 'last', ARGV[a - 3]) end
      redis.call('EXPIRE', meta, metaTtl)
    end
    out[i] = {'recorded', states}
  end
end
return out
`;
