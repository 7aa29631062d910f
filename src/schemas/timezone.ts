/**
 * Whether `tz` is an IANA time zone the runtime knows (Intl accepts any case). Zones seen valid are remembered, in
 * a bounded set so callers sending many distinct spellings cannot grow it.
 */
const valid = new Set<string>();
const MAX_ZONES = 1000;

export function isValidTimeZone(tz: string): boolean {
  if (valid.has(tz)) return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch {
    return false;
  }
  if (valid.size >= MAX_ZONES) valid.clear();
  valid.add(tz);
  return true;
}
