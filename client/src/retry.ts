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
  if (/^\s*\d+\s*$/.test(header)) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

/**
 * Requests the server answers alike when sent again: reads, PUT and DELETE, and the POSTs it keys itself — a score
 * by its transaction id (or Idempotency-Key), a batch by each item's, a label by its transaction and source, a list
 * entry by its value, a review resolution by its transaction. Anything else (POST /v1/rules creates a rule each
 * time) is sent once.
 */
export function isRetrySafe(method: string, url: string): boolean {
  if (method !== "POST") return true;
  const path = new URL(url).pathname;
  return /^\/v1\/(score|score\/batch|feedback|lists\/entries|reviews\/[^/]+)$/.test(path);
}

/**
 * A 409 `idempotency_in_progress`: the server is still answering an earlier attempt of this very request (its
 * answer is stored a moment after it is sent). Asked again shortly, it gives the stored answer.
 */
async function inProgress(response: Response): Promise<boolean> {
  if (response.status !== 409) return false;
  try {
    return ((await response.clone().json()) as { code?: unknown }).code === "idempotency_in_progress";
  } catch {
    return false;
  }
}

const abortable = (ms: number, signal: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

/**
 * A fetch that retries what is safe to retry (`isRetrySafe`): the very same request again after a network error,
 * a timeout, a 5xx, a 429 or an in-progress 409 — which cannot count a transaction twice, because the server
 * answers a repeat from its idempotency store. Other 4xx are final. Aborting the caller's signal ends the waits too.
 */
export function retryingFetch(policy: RetryPolicy, inner: typeof fetch = fetch, sleep?: (ms: number) => Promise<void>): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? await request.arrayBuffer() : undefined;
    const retries = isRetrySafe(request.method, request.url) ? policy.retries : 0;
    const wait = sleep ?? ((ms: number) => abortable(ms, init?.signal ?? null));
    let lastError: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      const timeout = AbortSignal.timeout(policy.timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      let response: Response | undefined;
      try {
        response = await inner(new Request(request, { body, signal }));
      } catch (e) {
        if (init?.signal?.aborted) throw e;
        lastError = e;
      }
      const busy = response ? await inProgress(response) : false;
      if (response && !RETRYABLE_STATUS.has(response.status) && !busy) return response;
      if (attempt === retries) {
        if (response) return response;
        break;
      }
      const after = response ? retryAfterSeconds(response.headers.get("retry-after")) : undefined;
      // Longer than the caller would wait (a rate-limit window): theirs to decide, with the answer in hand.
      if (response && after !== undefined && after * 1000 > policy.maxRetryAfterMs) return response;
      await response?.body?.cancel();
      // An in-progress answer is stored within milliseconds: wait at least a little for it.
      const backoff = Math.max(busy ? 100 : 0, Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt));
      await wait(after !== undefined ? after * 1000 : backoff);
    }
    throw Object.assign(new Error(`no answer after ${retries + 1} attempts: ${lastError instanceof Error ? lastError.message : String(lastError)}`), { attempts: retries + 1, cause: lastError });
  };
}
