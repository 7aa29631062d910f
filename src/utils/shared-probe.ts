/**
 * `/health` is public, so how often it reaches Redis and Kafka must not be up to its callers: an isolate reuses a
 * probe's result for `ttlMs`. Only settled results are shared, never a probe in flight — in workerd a promise
 * driven by one request's I/O must not be awaited by another (if the first request is cancelled, the others never
 * get an answer). So callers arriving while the cache is empty each probe, and the first to finish fills it.
 * Callers get the time it was taken, so a cached answer is never mistaken for a fresh one.
 */
export interface Probed<T> {
  value: T;
  checkedAt: number;
}

export function sharedProbe<T>(ttlMs: number, probe: () => Promise<T>, now: () => number = Date.now): () => Promise<Probed<T>> {
  let last: Probed<T> | undefined;
  return async () => {
    if (last && now() - last.checkedAt < ttlMs) return last;
    // A probe that throws is not cached: the next caller tries again.
    const value = await probe();
    const probed = { value, checkedAt: now() };
    if (!last || probed.checkedAt >= last.checkedAt) last = probed;
    return probed;
  };
}
