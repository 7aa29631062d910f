/**
 * `/health` is public, so how often it reaches Redis and Kafka must not be up to its callers: an isolate runs at
 * most one probe at a time (concurrent callers share it) and reuses the result for `ttlMs`. Callers get the time
 * it was taken, so a cached answer is never mistaken for a fresh one.
 */
export interface Probed<T> {
  value: T;
  checkedAt: number;
}

export function sharedProbe<T>(ttlMs: number, probe: () => Promise<T>, now: () => number = Date.now): () => Promise<Probed<T>> {
  let last: { promise: Promise<Probed<T>>; settledAt?: number } | undefined;
  return () => {
    const t = now();
    const fresh = last && (last.settledAt === undefined || t - last.settledAt < ttlMs);
    if (!fresh) {
      const entry: NonNullable<typeof last> = {
        promise: probe().then((value) => {
          entry.settledAt = now();
          return { value, checkedAt: entry.settledAt };
        }),
      };
      // A probe that throws is not cached: the next caller tries again.
      entry.promise.catch(() => {
        if (last === entry) last = undefined;
      });
      last = entry;
    }
    return last!.promise;
  };
}
