import { zoneFormatter } from "../utils/time-zones";

/**
 * Hour of day and day of week in the merchant's time zone. Offsets only change on hour boundaries (DST), so the
 * offset is cached per (zone, UTC hour): replaying millions of training rows then costs one Intl call per hour of
 * data per zone instead of one per row.
 */
const HOUR_MS = 3_600_000;
const offsets = new Map<string, number>();

function offsetMs(tz: string, t: number): number {
  const hour = Math.floor(t / HOUR_MS);
  const key = `${tz}|${hour}`;
  let off = offsets.get(key);
  if (off === undefined) {
    const at = hour * HOUR_MS;
    const p: Record<string, number> = {};
    for (const part of zoneFormatter(tz).formatToParts(at)) if (part.type !== "literal") p[part.type] = Number(part.value);
    off = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!) - at;
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(key, off);
  }
  return off;
}

/** { hour: 0..23, dow: 0..6 (Sunday = 0) } at instant `t` (ms) in zone `tz` (default UTC). */
export function localTime(t: number, tz?: string): { hour: number; dow: number } {
  const local = new Date(tz && tz !== "UTC" ? t + offsetMs(tz, t) : t);
  return { hour: local.getUTCHours(), dow: local.getUTCDay() };
}
