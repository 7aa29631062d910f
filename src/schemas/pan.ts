/**
 * Card numbers (PANs) must never reach the scorer: callers send a fingerprint instead. A string of 13–19 digits
 * (spaces or dashes allowed between groups) that passes the Luhn check is treated as a PAN, wherever it appears.
 */
const PAN_CANDIDATE = /(?:\d[ -]?){12,18}\d/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function looksLikePan(value: string): boolean {
  for (const match of value.matchAll(PAN_CANDIDATE)) {
    const digits = match[0].replace(/[ -]/g, "");
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) return true;
  }
  return false;
}

/** Paths (as arrays) of every string in `value` that looks like a PAN. */
export function findPanPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === "string") return looksLikePan(value) ? [path] : [];
  if (typeof value === "number") return Number.isInteger(value) && looksLikePan(String(value)) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findPanPaths(v, [...path, i]));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => findPanPaths(v, [...path, k]));
  }
  return [];
}
