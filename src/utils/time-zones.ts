/**
 * One formatter per IANA time zone, shared by validation (schemas/timezone.ts) and the calendar features
 * (features/calendar.ts). Bounded, so callers sending many distinct spellings of zones (Intl ignores case)
 * cannot grow it. Throws a RangeError for a zone the runtime does not know.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const MAX_ZONES = 1000;

export function zoneFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    if (formatters.size >= MAX_ZONES) formatters.clear();
    formatters.set(tz, f);
  }
  return f;
}
