import { FraudModel } from "./fraud-model";
import type { ModelArtifacts } from "./registry/interface";

/**
 * The models an isolate holds: the bundled one (always there, the fallback) and the published versions the
 * routing names, loaded from the registry on first use, at most `maxSessions` at once. Each ONNX Runtime session
 * keeps ~4–5 MiB of WASM memory (scripts/bench/model-memory.ts) that the runtime never gives back unless released,
 * and an isolate has 128 MB: past the cap the least recently used version the routing no longer names is released
 * — once no score is using it (leases), so a request in flight never loses its model.
 */
export const MAX_SESSIONS = 6;
/** After a failed load (R2 down, a corrupt file) a version is not tried again for this long. */
export const RETRY_LOAD_AFTER_MS = 10_000;

type Entry =
  | { state: "loading"; loading: Promise<FraudModel>; usedAt: number }
  | { state: "ready"; model: FraudModel; leases: number; retired: boolean; usedAt: number; loadedAt: string }
  | { state: "failed"; error: string; at: number; usedAt: number };

export interface PoolEntryStatus {
  version: string;
  state: "loading" | "ready" | "failed" | "bundled";
  loaded_at?: string;
  error?: string;
  /** The card's thresholds, for a model held. */
  thresholds?: { review: number; decline: number };
}

export class ModelPool {
  private readonly entries = new Map<string, Entry>();
  private bundledModel: FraudModel | undefined;
  /** What the routing names: never released for the cap. */
  private routed: ReadonlySet<string> = new Set();
  /** The live version this isolate last decided with: a fallback that keeps serving when a new one cannot load. */
  lastLive: string | undefined;

  constructor(
    private readonly bundled: () => Promise<FraudModel>,
    /** The bundled model's version (its card's): routing names it like any other. */
    readonly bundledVersion: string,
    private readonly artifacts: ModelArtifacts,
    private readonly opts: { maxSessions: number; now: () => number } = { maxSessions: MAX_SESSIONS, now: Date.now },
  ) {}

  /** The bundled model: a 503 upstream when even it fails, since then nothing can score. */
  async fallback(): Promise<FraudModel> {
    return (this.bundledModel ??= await this.bundled());
  }

  /** The model of `version` if this isolate holds it now; undefined while loading, failed or unknown. */
  ready(version: string): FraudModel | undefined {
    if (version === this.bundledVersion) return this.bundledModel;
    const e = this.entries.get(version);
    if (e?.state !== "ready") return undefined;
    e.usedAt = this.opts.now();
    return e.model;
  }

  /** The model of `version`, loading it from the registry if needed (one load per version at a time). */
  load(version: string): Promise<FraudModel> {
    if (version === this.bundledVersion) return this.fallback();
    const now = this.opts.now();
    const e = this.entries.get(version);
    if (e?.state === "ready") {
      e.usedAt = now;
      return Promise.resolve(e.model);
    }
    if (e?.state === "loading") return e.loading;
    if (e?.state === "failed" && now - e.at < RETRY_LOAD_AFTER_MS) return Promise.reject(new Error(e.error));
    const loading = this.fetch(version).then(
      (model) => {
        this.entries.set(version, { state: "ready", model, leases: 0, retired: false, usedAt: this.opts.now(), loadedAt: new Date(this.opts.now()).toISOString() });
        this.evict(this.kept(version));
        return model;
      },
      (err: unknown) => {
        const error = err instanceof Error ? err.message : String(err);
        this.entries.set(version, { state: "failed", error, at: this.opts.now(), usedAt: this.opts.now() });
        console.warn(`model registry: loading ${version} failed (${error}); retrying in ${RETRY_LOAD_AFTER_MS / 1000} s at the earliest`);
        throw err;
      },
    );
    this.entries.set(version, { state: "loading", loading, usedAt: now });
    return loading;
  }

  /** Marks `model` in use by a score until `unlease`; a leased session is never released. */
  lease(model: FraudModel): void {
    const e = this.entryOf(model);
    if (e) e.leases++;
  }

  unlease(model: FraudModel): void {
    const e = this.entryOf(model);
    if (!e) return;
    e.leases--;
    if (e.leases === 0 && e.retired) this.drop(model.card.version, e);
  }

  /** Takes in what the routing names now, releasing what it no longer names past the cap. */
  keep(routed: ReadonlySet<string>): void {
    this.routed = routed;
    this.evict(this.kept());
  }

  /** Releases sessions past the cap, least recently used first, never one of `keep` (what the routing names). */
  private evict(keep: ReadonlySet<string>): void {
    const ready = [...this.entries].filter((x): x is [string, Extract<Entry, { state: "ready" }>] => x[1].state === "ready" && !x[1].retired);
    // The bundled model holds a session of its own.
    let excess = ready.length + 1 - this.opts.maxSessions;
    for (const [version, e] of ready.sort((a, b) => a[1].usedAt - b[1].usedAt)) {
      if (excess <= 0) break;
      if (keep.has(version)) continue;
      excess--;
      e.retired = true;
      if (e.leases === 0) this.drop(version, e);
    }
  }

  status(): PoolEntryStatus[] {
    const b = this.bundledModel;
    const out: PoolEntryStatus[] = [{ version: this.bundledVersion, state: b ? "bundled" : "loading", ...(b && { thresholds: b.card.thresholds }) }];
    for (const [version, e] of this.entries) {
      if (e.state === "ready") out.push({ version, state: "ready", loaded_at: e.loadedAt, thresholds: e.model.card.thresholds });
      else if (e.state === "failed") out.push({ version, state: "failed", error: e.error });
      else out.push({ version, state: "loading" });
    }
    return out;
  }

  private kept(...also: string[]): Set<string> {
    return new Set([...this.routed, ...(this.lastLive !== undefined ? [this.lastLive] : []), ...also]);
  }

  private entryOf(model: FraudModel): Extract<Entry, { state: "ready" }> | undefined {
    const e = this.entries.get(model.card.version);
    return e?.state === "ready" && e.model === model ? e : undefined;
  }

  private drop(version: string, e: Extract<Entry, { state: "ready" }>): void {
    if (this.entries.get(version) === e) this.entries.delete(version);
    e.model.release().catch((err: unknown) => console.warn(`model pool: releasing ${version} failed`, err));
  }

  private async fetch(version: string): Promise<FraudModel> {
    const files = await this.artifacts.get(version);
    if (!files) throw new Error(`model ${version} is not in the registry`);
    return FraudModel.load(files.onnx, JSON.parse(files.card));
  }
}
