import type { FraudModel } from "./fraud-model";

/**
 * The models an isolate holds: the bundled one (always there, the fallback, never released) and the published
 * versions the routing names, loaded on first use. Each ONNX Runtime session keeps ~4–8 MiB of WASM memory
 * (docs/models.md#memory-sessions-per-isolate) that the runtime never gives back unless released, and an isolate
 * has 128 MB: past the cap the least recently used version nobody needs — not routed, not the last live one — is
 * taken out of service at once and released once no score holds a lease on it. A score leases each model it is
 * handed (`acquire`) and gives the leases back when it is done (`unlease`), so a session in use is never released.
 */
export const MAX_SESSIONS = 6;
/** After a failed load (R2 down, a corrupt file) a version is not tried again for this long. */
export const RETRY_LOAD_AFTER_MS = 10_000;
/** A load that has not finished by then (a hung R2 read) counts as failed. */
export const LOAD_TIMEOUT_MS = 15_000;

type Ready = { state: "ready"; model: FraudModel; leases: number; usedAt: number; loadedAt: string };
type Entry =
  | { state: "loading"; loading: Promise<FraudModel>; retry: boolean }
  | Ready
  | { state: "failed"; error: string; at: number };

export interface PoolEntryStatus {
  version: string;
  state: "loading" | "ready" | "failed" | "bundled" | "releasing";
  loaded_at?: string;
  error?: string;
  /** The card's thresholds, for a model held. */
  thresholds?: { review: number; decline: number };
}

export interface PoolOptions {
  maxSessions: number;
  now: () => number;
  timeoutMs: number;
}

export class ModelPool {
  private readonly entries = new Map<string, Entry>();
  /** Out of service, waiting for their leases to end before their sessions are released. */
  private readonly retiring = new Set<Ready>();
  private bundledModel: FraudModel | undefined;
  /** What the routing names: never released for the cap. */
  private routed: ReadonlySet<string> = new Set();
  /** The live version this isolate last decided with: a fallback that keeps serving when a new one cannot load. */
  lastLive: string | undefined;
  private readonly opts: PoolOptions;

  constructor(
    private readonly bundled: () => Promise<FraudModel>,
    /** The bundled model's version (its card's): routing names it like any other. */
    readonly bundledVersion: string,
    /** Reads and opens a published version (the registry's files → a FraudModel). */
    private readonly open: (version: string) => Promise<FraudModel>,
    opts: Partial<PoolOptions> = {},
  ) {
    this.opts = { maxSessions: MAX_SESSIONS, now: Date.now, timeoutMs: LOAD_TIMEOUT_MS, ...opts };
  }

  /** The bundled model: a 503 upstream when even it fails, since then nothing can score. */
  async fallback(): Promise<FraudModel> {
    return (this.bundledModel ??= await this.bundled());
  }

  /** Whether this isolate holds `version` in service now (no lease taken). */
  holds(version: string): boolean {
    return this.peek(version) !== undefined;
  }

  /** The model of `version` if this isolate holds it, without a lease: for reading its card, never for scoring. */
  peek(version: string): FraudModel | undefined {
    if (version === this.bundledVersion) return this.bundledModel;
    const e = this.entries.get(version);
    return e?.state === "ready" ? e.model : undefined;
  }

  cardOf(version: string): FraudModel["card"] | undefined {
    return this.peek(version)?.card;
  }

  /** The model of `version` if this isolate holds it in service now, leased to the caller; else undefined. */
  acquire(version: string): FraudModel | undefined {
    if (version === this.bundledVersion) return this.bundledModel;
    const e = this.entries.get(version);
    if (e?.state !== "ready") return undefined;
    e.usedAt = this.opts.now();
    e.leases++;
    return e.model;
  }

  /** Gives back a lease `acquire` took; the bundled model takes none. */
  unlease(model: FraudModel): void {
    if (model === this.bundledModel) return;
    const e = this.entries.get(model.card.version);
    const entry = e?.state === "ready" && e.model === model ? e : [...this.retiring].find((r) => r.model === model);
    if (!entry) return;
    entry.leases--;
    if (entry.leases <= 0 && this.retiring.has(entry)) this.release(model.card.version, entry);
  }

  /** Whether `version` failed to load before and is being (or about to be) tried again: nobody should wait on it. */
  retrying(version: string): boolean {
    const e = this.entries.get(version);
    return e?.state === "failed" || (e?.state === "loading" && e.retry);
  }

  /**
   * Loads `version` if this isolate does not hold it (one load per version at a time); resolves when it is in
   * service — then `acquire` it. Rejects on failure, and for RETRY_LOAD_AFTER_MS after one.
   */
  load(version: string): Promise<void> {
    if (version === this.bundledVersion) return this.fallback().then(() => undefined);
    const now = this.opts.now();
    const e = this.entries.get(version);
    if (e?.state === "ready") return Promise.resolve();
    if (e?.state === "loading") return e.loading.then(() => undefined);
    if (e?.state === "failed" && now - e.at < RETRY_LOAD_AFTER_MS) return Promise.reject(new Error(e.error));
    const opened = this.open(version);
    const loading = withTimeout(opened, this.opts.timeoutMs, `loading model ${version} took over ${this.opts.timeoutMs} ms`);
    // A load that times out may still finish: its session is released, not leaked.
    loading.catch(() => opened.then((m) => m.release(), () => undefined));
    this.entries.set(version, { state: "loading", loading, retry: e?.state === "failed" });
    return loading.then(
      (model) => {
        this.entries.set(version, { state: "ready", model, leases: 0, usedAt: this.opts.now(), loadedAt: new Date(this.opts.now()).toISOString() });
        this.evict(this.kept(version));
      },
      (err: unknown) => {
        const error = err instanceof Error ? err.message : String(err);
        this.entries.set(version, { state: "failed", error, at: this.opts.now() });
        console.warn(`model registry: ${error}; retrying in ${RETRY_LOAD_AFTER_MS / 1000} s at the earliest`);
        throw err;
      },
    );
  }

  /** Takes in what the routing names now, releasing what it no longer needs past the cap. */
  keep(routed: ReadonlySet<string>): void {
    this.routed = routed;
    this.evict(this.kept());
  }

  status(): PoolEntryStatus[] {
    const b = this.bundledModel;
    const out: PoolEntryStatus[] = [{ version: this.bundledVersion, state: b ? "bundled" : "loading", ...(b && { thresholds: b.card.thresholds }) }];
    for (const [version, e] of this.entries) {
      if (e.state === "ready") out.push({ version, state: "ready", loaded_at: e.loadedAt, thresholds: e.model.card.thresholds });
      else if (e.state === "failed") out.push({ version, state: "failed", error: e.error });
      else out.push({ version, state: "loading" });
    }
    for (const r of this.retiring) out.push({ version: r.model.card.version, state: "releasing" });
    return out;
  }

  /** Sessions held: the bundled one, those in service, those waiting for their leases to end. */
  get sessions(): number {
    return 1 + [...this.entries.values()].filter((e) => e.state === "ready").length + this.retiring.size;
  }

  private kept(...also: string[]): Set<string> {
    return new Set([...this.routed, ...(this.lastLive !== undefined ? [this.lastLive] : []), ...also]);
  }

  /** Takes sessions out of service past the cap, least recently used first, never one of `keep`. */
  private evict(keep: ReadonlySet<string>): void {
    let excess = this.sessions - this.opts.maxSessions;
    if (excess <= 0) return;
    const candidates = [...this.entries].filter((x): x is [string, Ready] => x[1].state === "ready" && !keep.has(x[0])).sort((a, b) => a[1].usedAt - b[1].usedAt);
    for (const [version, e] of candidates) {
      if (excess <= 0) break;
      this.entries.delete(version);
      excess--;
      if (e.leases > 0) this.retiring.add(e);
      else this.release(version, e);
    }
  }

  private release(version: string, e: Ready): void {
    this.retiring.delete(e);
    e.model.release().catch((err: unknown) => console.warn(`model pool: releasing ${version} failed`, err));
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
