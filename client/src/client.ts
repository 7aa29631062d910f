import createClient, { type Client } from "openapi-fetch";
import { ProblemError, TransportError, type Problem } from "./errors";
import { DEFAULT_RETRY, retryAfterSeconds, retryingFetch, type RetryPolicy } from "./retry";
import type { components, paths } from "./schema";

type Schemas = components["schemas"];
export type Transaction = Schemas["Transaction"];
export type ScoreResult = Schemas["ScoreResult"];
export type BatchScoreResponse = Schemas["BatchScoreResponse"];
export type FeedbackLabel = Schemas["FeedbackLabel"];
export type FeedbackResponse = Schemas["FeedbackResponse"];
export type Entity = Schemas["Entity"];

export interface FraudScorerOptions {
  /** The scorer's origin, e.g. https://fraud.example.com. */
  baseUrl: string;
  /** A secret key (sk_…) for a merchant's server; a checkout page uses the browser script instead (docs/checkout.md). */
  apiKey: string;
  /** Retries and timeouts; defaults: 3 retries, 5 s a try, backoff from 200 ms. */
  retry?: Partial<RetryPolicy>;
  /** Another fetch (tests, a proxy). */
  fetch?: typeof fetch;
}

/**
 * A merchant server's client of the scorer. Types come from the Worker's OpenAPI document
 * (`npm run client:generate`); every call returns the typed body or throws a `ProblemError` (the problem
 * document, its `code` and offending fields) or a `TransportError` (no answer after the retries).
 *
 *   const scorer = FraudScorer.fromEnv();          // FRAUD_SCORER_URL, FRAUD_SCORER_API_KEY
 *   const result = await scorer.score(tx);          // retried safely: the transaction id is the idempotency key
 */
export class FraudScorer {
  /** The underlying openapi-fetch client, typed by path, for the routes without a helper here. */
  readonly raw: Client<paths>;

  constructor(readonly options: FraudScorerOptions) {
    if (!/^https?:\/\//.test(options.baseUrl)) throw new TypeError("baseUrl must be an http(s) URL");
    if (!/^sk_(test|live)_/.test(options.apiKey)) throw new TypeError("apiKey must be a secret key (sk_test_… or sk_live_…)");
    const policy = { ...DEFAULT_RETRY, ...options.retry };
    this.raw = createClient<paths>({
      baseUrl: options.baseUrl.replace(/\/$/, ""),
      headers: { authorization: `Bearer ${options.apiKey}` },
      fetch: retryingFetch(policy, options.fetch ?? globalThis.fetch),
    });
  }

  /** From the environment: FRAUD_SCORER_URL and FRAUD_SCORER_API_KEY (as Upstash's SDKs read theirs). */
  static fromEnv(env: Record<string, string | undefined> = typeof process === "undefined" ? {} : process.env, options: Omit<FraudScorerOptions, "baseUrl" | "apiKey"> = {}): FraudScorer {
    const baseUrl = env.FRAUD_SCORER_URL;
    const apiKey = env.FRAUD_SCORER_API_KEY;
    if (!baseUrl || !apiKey) throw new TypeError("set FRAUD_SCORER_URL and FRAUD_SCORER_API_KEY");
    return new FraudScorer({ ...options, baseUrl, apiKey });
  }

  /** Scores one transaction. A retry (here or yours) of the same transaction is answered from the server's store. */
  async score(tx: Transaction, opts: { idempotencyKey?: string; signal?: AbortSignal } = {}): Promise<ScoreResult> {
    return this.call(
      this.raw.POST("/v1/score", {
        body: tx,
        params: { header: opts.idempotencyKey === undefined ? {} : { "idempotency-key": opts.idempotencyKey } },
        ...(opts.signal && { signal: opts.signal }),
      }),
    );
  }

  /** Up to 1000 transactions; an invalid one comes back as an `error` entry in its place, the others are scored. */
  async scoreBatch(transactions: Transaction[], opts: { signal?: AbortSignal } = {}): Promise<BatchScoreResponse> {
    return this.call(this.raw.POST("/v1/score/batch", { body: { transactions }, ...(opts.signal && { signal: opts.signal }) }));
  }

  /** Labels: what transactions turned out to be (chargebacks, refunds as fraud, reviews). */
  async feedback(labels: FeedbackLabel[]): Promise<FeedbackResponse> {
    return this.call(this.raw.POST("/v1/feedback", { body: { labels } }));
  }

  /** What the scorer knows of one of your entities (card, device, ip, customer). */
  async entity(type: "card" | "device" | "ip" | "customer", id: string): Promise<Entity> {
    return this.call(this.raw.GET("/v1/entities/{type}/{id}", { params: { path: { type, id } } }));
  }

  private async call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    let reply: { data?: T; error?: unknown; response: Response };
    try {
      reply = await pending;
    } catch (e) {
      const attempts = (e as { attempts?: number }).attempts ?? 1;
      throw new TransportError(e instanceof Error ? e.message : String(e), attempts, e);
    }
    if (reply.data !== undefined && reply.response.ok) return reply.data;
    const problem = isProblem(reply.error)
      ? reply.error
      : ({
          type: "about:blank",
          title: reply.response.statusText || "Error",
          status: reply.response.status,
          code: "internal_error",
          detail: typeof reply.error === "string" ? reply.error.slice(0, 500) : JSON.stringify(reply.error ?? "no body").slice(0, 500),
        } as Problem);
    throw new ProblemError(reply.response.status, problem, retryAfterSeconds(reply.response.headers.get("retry-after")));
  }
}

function isProblem(v: unknown): v is Problem {
  return typeof v === "object" && v !== null && typeof (v as { code?: unknown }).code === "string" && typeof (v as { status?: unknown }).status === "number";
}
