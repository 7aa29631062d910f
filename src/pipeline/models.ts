import type { FraudModel } from "../model/fraud-model";
import type { ModelPool } from "../model/pool";
import { routeFor, routedVersions } from "../model/routing";
import type { Routing } from "../schemas/routing";
import type { Degradation, ModelAnswerRole } from "../schemas/score";
import type { StoreItem } from "../store/interface";

/**
 * How long a score waits for a routed model this isolate does not hold yet (an R2 read and an ONNX session:
 * ~60 ms locally). Past it the score is decided by a model at hand — flagged `model_registry` — and the load goes
 * on after the answer, so the next score has it. A version that failed before is never waited on.
 */
export const LOAD_WAIT_MS = 1_500;

export interface Chosen {
  model: FraudModel;
  role: ModelAnswerRole;
}

/** The models a run chose, each leased from the pool until `release()` (after scoring). */
export interface ChosenModels {
  chosen: Chosen[];
  release(): void;
}

/** The stable key a split draws on: the customer, else the card, so one shopper sees one model. */
export const splitKey = (item: StoreItem): string => {
  const { customer, card } = item.input.tx;
  return customer?.id !== undefined ? `cus:${customer.id}` : `card:${card.fingerprint}`;
};

/**
 * The model stage's routing half: for each item the model that decides it (routing.ts), loaded and leased. A
 * version that cannot be had (R2 down, slower than LOAD_WAIT_MS, failed before) gives way to the live model if
 * this isolate holds it, else the live model it used last, else the bundled one — and the run says
 * `model_registry`.
 */
export async function chooseModels(items: readonly StoreItem[], routing: Routing, pool: ModelPool, degraded: Degradation[], waitUntil: (p: Promise<unknown>) => void): Promise<ChosenModels> {
  const routes = items.map((item) => routeFor(routing, item.input.tx.merchant.id, splitKey(item)));
  const leased: FraudModel[] = [];
  const take = (version: string): FraudModel | undefined => {
    const m = pool.acquire(version);
    if (m) leased.push(m);
    return m;
  };
  const versions = [...new Set(routes.map((r) => r.version))];
  await Promise.all(versions.map((v) => (pool.holds(v) ? undefined : within(pool.load(v), pool.retrying(v) ? 0 : LOAD_WAIT_MS, waitUntil))));
  // Leased only now, all at once after every wait (synchronously): nothing can take them out of service between
  // here and the end of scoring.
  const loaded = new Map(versions.map((v) => [v, take(v)]));
  let fallback: FraudModel | undefined;
  const chosen: Chosen[] = [];
  for (const r of routes) {
    const model = loaded.get(r.version);
    if (model) {
      chosen.push({ model, role: r.role });
      continue;
    }
    fallback ??= take(routing.live) ?? take(pool.lastLive ?? "") ?? (await pool.fallback());
    chosen.push({ model: fallback, role: "fallback" });
  }
  if (chosen.some((c) => c.role === "fallback")) degraded.push("model_registry");
  const live = chosen.find((c) => c.role === "live");
  if (live) pool.lastLive = live.model.card.version;
  return { chosen, release: () => leased.splice(0).forEach((m) => pool.unlease(m)) };
}

/** After a routing change: the versions it names start loading now (after the answer), and the rest may go. */
export function warmRouted(routing: Routing, pool: ModelPool, waitUntil: (p: Promise<unknown>) => void): void {
  const routed = routedVersions(routing);
  pool.keep(routed);
  for (const v of routed) waitUntil(pool.load(v).catch(() => undefined));
}

/** Waits for the load up to `ms`; past that (or on failure) returns, and the load goes on in the background. */
async function within(load: Promise<void>, ms: number, waitUntil: (p: Promise<unknown>) => void): Promise<void> {
  const quiet = load.catch(() => undefined);
  if (ms <= 0) {
    waitUntil(quiet);
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
  });
  try {
    if ((await Promise.race([quiet, late])) === "late") waitUntil(quiet);
  } finally {
    clearTimeout(timer);
  }
}
