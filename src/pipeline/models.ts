import type { FraudModel } from "../model/fraud-model";
import type { ModelPool } from "../model/pool";
import { routeFor, routedVersions } from "../model/routing";
import type { Routing } from "../schemas/routing";
import type { Degradation, ModelAnswerRole } from "../schemas/score";
import type { StoreItem } from "../store/interface";

/**
 * How long a score waits for a routed model this isolate does not hold yet (an R2 read and an ONNX session:
 * ~50–150 ms when R2 is well). Past it the score is decided by a model at hand — flagged `model_registry` — and the
 * load goes on after the answer, so the next score has it.
 */
export const LOAD_WAIT_MS = 1_500;

export interface Chosen {
  model: FraudModel;
  role: ModelAnswerRole;
}

/** The stable key a split draws on: the customer, else the card, so one shopper sees one model. */
export const splitKey = (item: StoreItem): string => {
  const { customer, card } = item.input.tx;
  return customer?.id !== undefined ? `cus:${customer.id}` : `card:${card.fingerprint}`;
};

/**
 * The model stage's routing half: for each item the model that decides it (routing.ts), loaded. A version that
 * cannot be loaded (R2 down, or slower than LOAD_WAIT_MS) gives way to the live model if this isolate holds it,
 * else the live model it used last, else the bundled one — and the run says `model_registry`.
 */
export async function chooseModels(items: readonly StoreItem[], routing: Routing, pool: ModelPool, degraded: Degradation[], waitUntil: (p: Promise<unknown>) => void): Promise<Chosen[]> {
  const routes = items.map((item) => routeFor(routing, item.input.tx.merchant.id, splitKey(item)));
  const loaded = new Map<string, FraudModel | undefined>();
  await Promise.all(
    [...new Set(routes.map((r) => r.version))].map(async (v) => {
      loaded.set(v, pool.ready(v) ?? (await within(pool.load(v), LOAD_WAIT_MS, waitUntil)));
    }),
  );
  let fallback: FraudModel | undefined;
  const chosen: Chosen[] = [];
  for (const r of routes) {
    const model = loaded.get(r.version);
    if (model) {
      chosen.push({ model, role: r.role });
      continue;
    }
    fallback ??= pool.ready(routing.live) ?? pool.ready(pool.lastLive ?? "") ?? (await pool.fallback());
    chosen.push({ model: fallback, role: "fallback" });
  }
  if (chosen.some((c) => c.role === "fallback")) degraded.push("model_registry");
  const live = chosen.find((c) => c.role === "live");
  if (live) pool.lastLive = live.model.card.version;
  return chosen;
}

/** After a routing change: the versions it names start loading now (after the answer), and the rest may go. */
export function warmRouted(routing: Routing, pool: ModelPool, waitUntil: (p: Promise<unknown>) => void): void {
  const routed = routedVersions(routing);
  pool.keep(routed);
  for (const v of routed) if (!pool.ready(v)) waitUntil(pool.load(v).catch(() => undefined));
}

/** The load's model, or undefined when it fails or takes longer than `ms` (it then goes on in the background). */
async function within(load: Promise<FraudModel>, ms: number, waitUntil: (p: Promise<unknown>) => void): Promise<FraudModel | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    const out = await Promise.race([load.catch(() => undefined), late]);
    if (out === undefined) waitUntil(load.catch(() => undefined));
    return out;
  } finally {
    clearTimeout(timer);
  }
}
