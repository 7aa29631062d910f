import { DAY_MS, HOUR_MS } from "../../src/features/state";
import type { Actor, World } from "./context";
import { CAMPAIGNS } from "./fraud";
import { EventQueue } from "./heap";
import { Shopper } from "./legit";
import { Issuers, buildCustomers, buildMerchants, type Customer } from "./population";
import { Rng } from "./prng";
import { TxIds, type StreamRecord } from "./record";
import { MEAN_ACTIVITY } from "./world";

export type { StreamRecord, Typology } from "./record";
export { TYPOLOGIES } from "./record";

export interface StreamOptions {
  seed: number;
  /** Exactly this many records are produced. */
  rows: number;
  /** Start of the stream (ms since the epoch). */
  start?: number;
  /** Days the stream spans; the population is sized so `rows` fill about this long. */
  days?: number;
  /** Multiplies every fraud campaign's frequency. */
  fraudScale?: number;
}

export const DEFAULT_START = Date.UTC(2026, 8, 1);
export const DEFAULT_DAYS = 56;
/** Approximate records per shopper per day: sizes the population for a requested row count. */
const ROWS_PER_SHOPPER_DAY = 0.2;
/** Extra purchases from multi-purchase sessions, per planned purchase (legit.ts SESSION_START × mean length × online share). */
const SESSION_FACTOR = 1.07;

/**
 * A reproducible, time-ordered stream of labelled card payments. Lazily generated: a million rows never sit in
 * memory unless the caller keeps them. The records share merchant and card sub-objects: treat them as read-only.
 */
export function* generateStream(opts: StreamOptions): Generator<StreamRecord> {
  const days = opts.days ?? DEFAULT_DAYS;
  const t0 = opts.start ?? DEFAULT_START;
  const spanMs = days * DAY_MS;
  const root = new Rng(opts.seed);
  const setup = root.fork();
  const merchants = buildMerchants(setup, Math.max(600, Math.round(opts.rows / 250)));
  const issuers = new Issuers(setup);
  const customers = buildCustomers(setup, issuers, Math.max(50, Math.ceil(opts.rows / (days * ROWS_PER_SHOPPER_DAY))), t0, spanMs);
  const world: World = { rng: root.fork(), merchants, customers, issuers, ids: new TxIds(), compromised: [], used: { cards: [], devices: [] } };

  const queue = new EventQueue<Actor>();
  for (const c of customers) queue.push(new Shopper(c, world));
  // Campaigns start after a few hours so their victims have some history, and spread over the time the
  // shoppers' own rates say `rows` will take.
  const expectedSpan = expectedSpanMs(customers, opts.rows, t0, spanMs);
  const scale = opts.fraudScale ?? 1;
  for (const campaign of CAMPAIGNS) {
    const n = Math.round((opts.rows * campaign.share * scale) / campaign.meanRows);
    for (let i = 0; i < n; i++) queue.push(campaign.make(world, t0 + 6 * HOUR_MS + world.rng.next() * expectedSpan));
  }

  let emitted = 0;
  while (emitted < opts.rows) {
    const actor = queue.pop();
    if (!actor) return;
    const record = actor.emit();
    if (Number.isFinite(actor.next)) queue.push(actor);
    emitted++;
    yield record;
  }
}

/** How long the shoppers take to produce `rows` purchases, from their rates (joiners count from their start). */
function expectedSpanMs(customers: Customer[], rows: number, t0: number, spanMs: number): number {
  let perMs = 0;
  for (const c of customers) perMs += ((c.rate * MEAN_ACTIVITY * SESSION_FACTOR) / DAY_MS) * (1 - (c.start - t0) / spanMs);
  return rows / perMs;
}
