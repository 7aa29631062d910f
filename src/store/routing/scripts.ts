/**
 * The routing's Redis scripts (interface.ts). READ goes in the score's pipeline beside the record script; it only
 * reads, so with `allow-key-locking` every score shares the key instead of queueing on it.
 * READ — KEYS: routing hash. ARGV: the stamp held ('-' for none). Reply: {stamp, doc or false}.
 */
export const ROUTING_READ_SCRIPT = `#!lua flags=no-writes,allow-key-locking
local stamp = redis.call('HGET', KEYS[1], 'stamp') or '0'
if stamp == ARGV[1] then return {stamp, false} end
return {stamp, redis.call('HGET', KEYS[1], 'doc') or false}
`;

/**
 * KEYS: routing hash. ARGV: expected stamp, new doc, the time (ms). Reply: the new stamp, or false when the stamp
 * moved. The new stamp is at least the time, so stamps never repeat even if the key is deleted (an operator's
 * reset): an isolate holding an old stamp can never mistake a new document for the one it has.
 */
export const ROUTING_REPLACE_SCRIPT = `#!lua flags=allow-key-locking
local stamp = tonumber(redis.call('HGET', KEYS[1], 'stamp') or '0')
if stamp ~= tonumber(ARGV[1]) then return false end
local next = math.max(stamp + 1, tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'stamp', string.format('%d', next), 'doc', ARGV[2])
return next
`;
