import { SinkError } from "./interface";

export interface BackoffOptions {
  /** Aborting ends the retries (and the wait between them); the last error is then reported as a timeout. */
  signal: AbortSignal;
  /** First wait; each later wait doubles, with full jitter, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable SinkError, or `signal` aborts. Full jitter keeps
 * many isolates that failed together from retrying together.
 */
export async function withBackoff<T>(attempt: () => Promise<T>, opts: BackoffOptions): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt();
    } catch (e) {
      const error = e instanceof SinkError ? e : new SinkError("unavailable", e instanceof Error ? e.message : String(e));
      if (!error.retryable) throw error;
      const delay = Math.random() * Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** n);
      if (!(await sleep(delay, opts.signal))) throw new SinkError("timeout", `gave up after ${n + 1} attempt(s): ${error.message}`, error.status);
    }
  }
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (slept: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve(slept);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
