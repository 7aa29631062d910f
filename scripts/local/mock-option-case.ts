/**
 * ioredis-mock recognises option keywords only in upper case ("EX", "WITHSCORES"); Redis accepts any case and
 * @upstash/redis sends them lower case (`["set","k","v","ex",100]`). Left alone, the mock silently drops the TTL
 * or, for ZADD, stores "ch" as a member. This upper-cases keywords, but only where a command takes options, so
 * a key, value or member that happens to read "ex" is never touched.
 */
const KEYWORDS = new Set([
  "EX", "PX", "EXAT", "PXAT", "NX", "XX", "GT", "LT", "CH", "INCR", "GET", "KEEPTTL", "PERSIST", "WITHSCORES",
  "LIMIT", "BYSCORE", "BYLEX", "REV", "MATCH", "COUNT", "TYPE", "WEIGHTS", "AGGREGATE", "SUM", "MIN", "MAX",
  "NOMKSTREAM", "MAXLEN", "MINID",
]);
/** The argument after these is a free-form value (a glob, a type name), never a keyword. */
const TAKES_VALUE = new Set(["MATCH", "TYPE"]);

/** Index (0 = command name) where options may start; "leading" options stop at the first non-keyword. */
const OPTIONS: Record<string, { from: number; leading?: true }> = {
  SET: { from: 3 },
  GETEX: { from: 2 },
  EXPIRE: { from: 3 },
  PEXPIRE: { from: 3 },
  EXPIREAT: { from: 3 },
  PEXPIREAT: { from: 3 },
  ZRANGE: { from: 4 },
  ZREVRANGE: { from: 4 },
  ZRANGEBYSCORE: { from: 4 },
  ZREVRANGEBYSCORE: { from: 4 },
  ZRANGEBYLEX: { from: 4 },
  ZREVRANGEBYLEX: { from: 4 },
  SCAN: { from: 2 },
  HSCAN: { from: 3 },
  SSCAN: { from: 3 },
  ZSCAN: { from: 3 },
  ZADD: { from: 2, leading: true },
  XADD: { from: 2, leading: true },
};

export function upperCaseOptions(command: string[]): string[] {
  const spec = OPTIONS[(command[0] ?? "").toUpperCase()];
  if (!spec) return command;
  const out = [...command];
  for (let i = spec.from; i < out.length; i++) {
    const upper = out[i]!.toUpperCase();
    if (!KEYWORDS.has(upper)) {
      if (spec.leading) break;
      continue;
    }
    out[i] = upper;
    if (TAKES_VALUE.has(upper)) i++;
  }
  return out;
}
