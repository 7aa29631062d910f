/** What the client's fetch does between the caller and the network. */
export interface RetryPolicy {
  /** Attempts after the first (network errors, timeouts, 5xx, 429). */
  retries: number;
  /** Each attempt's timeout. */
  timeoutMs: number;
  /** First backoff; doubles per attempt with full jitter, capped at `maxDelayMs`. A Retry-After header wins. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the answer (a 429, a 503) goes back to the caller. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, timeoutMs: 5_000, baseDelayMs: 200, maxDelayMs: 5_000, maxRetryAfterMs: 10_000 };

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

/** Seconds from a Retry-After header (delta-seconds or an HTTP date). */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/**
 * A fetch that retries what is safe to retry. Every request the client sends is idempotent on the server — a
 * score by its transaction id (or Idempotency-Key), a label by its transaction and source — so sending the very
 * same request again after a network error, a 5xx or a 429 cannot count a transaction twice: the server answers a
 * repeat from its idempotency store. Other 4xx are final.
 */
export function retryingFetch(policy: RetryPolicy, inner: typeof fetch = fetch, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? await request.arrayBuffer() : undefined;
    let lastError: unknown;
    for (let attempt = 0; attempt <= policy.retries; attempt++) {
      const timeout = AbortSignal.timeout(policy.timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
      let response: Response | undefined;
      try {
        response = await inner(new Request(request, { body, signal }));
      } catch (e) {
        if (request.signal?.aborted) throw e;
        lastError = e;
      }
      if (response && !RETRYABLE_STATUS.has(response.status)) return response;
      if (attempt === policy.retries) {
        if (response) return response;
        break;
      }
      const after = response ? retryAfterSeconds(response.headers.get("retry-after")) : undefined;
      // Longer than the caller would wait (a rate-limit window): theirs to decide, with the answer in hand.
      if (response && after !== undefined && after * 1000 > policy.maxRetryAfterMs) return response;
      await response?.body?.cancel();
      const backoff = Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
      await sleep(after !== undefined ? after * 1000 : backoff);
    }
    throw Object.assign(new Error(`no answer after ${policy.retries + 1} attempts: ${lastError instanceof Error ? lastError.message : String(lastError)}`), { attempts: policy.retries + 1, cause: lastError });
  };
}
