import { MERCHANT_OF } from "../record-script";

/**
 * The transaction records' Lua scripts (layout.ts). Label precedence (precedence.ts states the same
 * rule for the memory store): a new label replaces the kept one when its source's authority is higher, or equal
 * and it was learnt later; the same label from a source of the same authority learnt at the same moment is a
 * duplicate; anything else leaves the kept one (superseded).
 */

/** Applies one label to the record at `key`: ARGV-style values passed in; returns outcome, current label JSON. */
const APPLY_LABEL = `
local function apply(key, json, rank, at, value)
  local kept = redis.call('HMGET', key, 'label', 'label_rank', 'label_at', 'label_value')
  if kept[1] then
    local krank, kat = tonumber(kept[2]), tonumber(kept[3])
    if krank == rank and kat == at and kept[4] == value then return {'duplicate', kept[1]} end
    if rank < krank or (rank == krank and at <= kat) then return {'superseded', kept[1]} end
  end
  redis.call('HSET', key, 'label', json, 'label_rank', rank, 'label_at', string.format('%d', at), 'label_value', value)
  return {'applied', json}
end
`;

/**
 * An outbox entry (src/feedback/outbox.ts): the record key, scored by a sequence number the script draws (so a
 * rewritten entry always scores higher than the one a drain read, and the drain's acknowledgement leaves it);
 * past the cap the oldest are dropped — counted in the stats hash, never silently.
 */
const OUTBOX = `
local function outbox(key, stats, field, member, cap)
  redis.call('ZADD', key, redis.call('HINCRBY', stats, 'seq', 1), member)
  local excess = redis.call('ZCARD', key) - cap
  if excess > 0 then
    redis.call('ZREMRANGEBYRANK', key, 0, excess - 1)
    redis.call('HINCRBY', stats, field, excess)
  end
end
`;

/**
 * KEYS: record keys…, then the open queue, the decisions outbox, the outbox stats. ARGV: ttl s, queue cap, outbox
 * cap (0: no decision log), then per record: JSON, '1' if review, queue member (`<t, 13 digits>:<id>`), source.
 *
 * The first record of a transaction stands: a later score of the same id (another Idempotency-Key, or a checkout
 * page's score of an id the server scored) does not replace it — labels and reviews stay on what was decided —
 * except that the merchant's server (`secret`) replaces what only a checkout page (`publishable`) had sent.
 */
export const REMEMBER_SCRIPT = `#!lua flags=allow-key-locking
${OUTBOX}
local n = #KEYS - 3
local queue, box, stats = KEYS[n + 1], KEYS[n + 2], KEYS[n + 3]
local cap = tonumber(ARGV[3])
local written = 0
for i = 1, n do
  local at = 4 + (i - 1) * 4
  local source = redis.call('HGET', KEYS[i], 'source')
  if not source or (source == 'publishable' and ARGV[at + 3] == 'secret') then
    redis.call('HSET', KEYS[i], 'record', ARGV[at], 'source', ARGV[at + 3])
    redis.call('EXPIRE', KEYS[i], tonumber(ARGV[1]))
    if ARGV[at + 1] == '1' and not source and redis.call('HEXISTS', KEYS[i], 'review') == 0 then
      redis.call('ZADD', queue, 0, ARGV[at + 2])
      redis.call('HSET', KEYS[i], 'queued', ARGV[at + 2])
    end
    if cap > 0 then outbox(box, stats, 'decisions_dropped', KEYS[i], cap) end
    written = written + 1
  end
end
local excess = redis.call('ZCARD', queue) - tonumber(ARGV[2])
if excess > 0 then redis.call('ZREMRANGEBYRANK', queue, 0, excess - 1) end
return written
`;

/**
 * KEYS: record keys…, then the labels outbox and the outbox stats. ARGV: ttl s, outbox cap (0: no log), then per
 * label: JSON, authority rank, learnt at (ms), label value. An applied label goes to the outbox.
 */
export const LABEL_SCRIPT = `#!lua flags=allow-key-locking
${APPLY_LABEL}
${OUTBOX}
local n = #KEYS - 2
local box, stats = KEYS[n + 1], KEYS[n + 2]
local out = {}
for i = 1, n do
  local at = 3 + (i - 1) * 4
  if redis.call('HEXISTS', KEYS[i], 'record') == 0 then
    out[i] = {'unknown', false}
  else
    out[i] = apply(KEYS[i], ARGV[at], tonumber(ARGV[at + 1]), tonumber(ARGV[at + 2]), ARGV[at + 3])
    if out[i][1] == 'applied' then
      redis.call('EXPIRE', KEYS[i], tonumber(ARGV[1]))
      if tonumber(ARGV[2]) > 0 then outbox(box, stats, 'labels_dropped', KEYS[i], tonumber(ARGV[2])) end
    end
  end
end
return out
`;

/**
 * KEYS: record key, open queue, labels outbox, outbox stats. ARGV: review JSON, then the manual_review label:
 * JSON, rank, learnt at (ms), value; then the outbox cap (0: no log). Reply: {'unknown'} |
 * {'already', review JSON, current label JSON} | {'resolved', review JSON, label outcome, current label JSON}.
 */
export const RESOLVE_SCRIPT = `#!lua flags=allow-key-locking
${APPLY_LABEL}
${OUTBOX}
if redis.call('HEXISTS', KEYS[1], 'record') == 0 then return {'unknown'} end
local kept = redis.call('HGET', KEYS[1], 'review')
if kept then return {'already', kept, redis.call('HGET', KEYS[1], 'label') or false} end
local member = redis.call('HGET', KEYS[1], 'queued')
if not member or not redis.call('ZSCORE', KEYS[2], member) then return {'unknown'} end
redis.call('ZREM', KEYS[2], member)
redis.call('HSET', KEYS[1], 'review', ARGV[1])
local applied = apply(KEYS[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), ARGV[5])
if applied[1] == 'applied' and tonumber(ARGV[6]) > 0 then outbox(KEYS[3], KEYS[4], 'labels_dropped', KEYS[1], tonumber(ARGV[6])) end
return {'resolved', ARGV[1], applied[1], applied[2]}
`;

/** KEYS: an outbox. ARGV: pairs of member and the score it was read with: removed unless written again since. */
export const OUTBOX_ACK_SCRIPT = `#!lua flags=allow-key-locking
local removed = 0
for i = 1, #ARGV, 2 do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i])
  if s and tonumber(s) == tonumber(ARGV[i + 1]) then
    redis.call('ZREM', KEYS[1], ARGV[i])
    removed = removed + 1
  end
end
return removed
`;

/**
 * The network's memory of one merchant's confirmed fraud (src/features/fraud-marks.ts `applyMark`, the same steps):
 * for each record, marks its entities' confirmed-fraud zsets when its label *as kept now* confirms fraud, and
 * unmarks them otherwise. Run after every label call, whatever its outcome, so a retried request repairs a mark a
 * failed one did not write, and concurrent labels converge on the label that stands. Only the merchant's server's
 * records mark (`source` secret): a checkout page's body is the shopper's to write, entities included. A record read
 * as a checkout page's that the server has replaced since (its entities may differ) is answered `stale`, for the
 * caller to read again. Then, per key: marks at or before the cutoff dropped, the merchant's newest `perMerchant`
 * kept, and while more than `maxMarks`, the oldest mark of a merchant holding several dropped (else the oldest); the
 * key kept until its newest mark leaves the window.
 * KEYS: per record its record key, then its entities' marks keys. ARGV: min confirming rank, window ms, cutoff ms,
 * per merchant, max marks, the merchant's member prefix; then per record: key count, member, t (ms), the source the
 * record was read with. Reply: the indexes (1-based) of stale records.
 */
export const MARK_SCRIPT = `#!lua flags=allow-key-locking
local minRank, window, cutoff = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local perMerchant, maxMarks, who = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]

${MERCHANT_OF}

local function capped(key)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  local all = redis.call('ZRANGE', key, 0, -1)
  local own = {}
  for _, m in ipairs(all) do
    if string.sub(m, 1, #who) == who then own[#own + 1] = m end
  end
  for i = 1, #own - perMerchant do redis.call('ZREM', key, own[i]) end
  while redis.call('ZCARD', key) > maxMarks do
    local members = redis.call('ZRANGE', key, 0, -1)
    local held = {}
    for _, m in ipairs(members) do local w = merchantOf(m); held[w] = (held[w] or 0) + 1 end
    local victim = members[1]
    for _, m in ipairs(members) do
      if held[merchantOf(m)] > 1 then victim = m break end
    end
    redis.call('ZREM', key, victim)
  end
  local newest = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if newest[2] then redis.call('PEXPIREAT', key, string.format('%d', tonumber(newest[2]) + window)) end
end

local k, a, i, stale = 1, 7, 0, {}
while a <= #ARGV do
  local nk, member, t, readAs = tonumber(ARGV[a]), ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  a, i = a + 4, i + 1
  local kept = redis.call('HMGET', KEYS[k], 'label_value', 'label_rank', 'source')
  if kept[3] and kept[3] ~= readAs then
    stale[#stale + 1] = i
  else
    local confirmed = kept[1] == 'fraud' and tonumber(kept[2]) >= minRank and kept[3] == 'secret'
    for j = 1, nk do
      local key = KEYS[k + j]
      if confirmed then
        redis.call('ZADD', key, t, member)
        capped(key)
      else
        redis.call('ZREM', key, member)
      end
    end
  end
  k = k + 1 + nk
end
return stale
`;
