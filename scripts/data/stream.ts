import { DAY_MS, HOUR_MS } from "../../src/features/state";
import type { Actor, World } from "./context";
import { CAMPAIGNS } from "./fraud";
import { EventQueue } from "./heap";
import { Shopper } from "./legit";
import { Issuers, buildCustomers, buildMerchants } from "./population";
import { Rng } from "./prng";
import { TxIds, type StreamRecord } from "./record";

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
/** Records per shopper per day, measured on this generator: sizes the population for a requested row count. */
const ROWS_PER_SHOPPER_DAY = 0.36;

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
  const world: World = { rng: root.fork(), t0, spanMs, merchants, customers, issuers, ids: new TxIds(), compromised: [] };

  const queue = new EventQueue<Actor>();
  for (const c of customers) queue.push(new Shopper(c, world));
  // Campaigns start after a few hours so their victims have some history; they run past the nominal span in
  // case the shoppers fall short of `rows` by then.
  const scale = opts.fraudScale ?? 1;
  for (const campaign of CAMPAIGNS) {
    const n = Math.round((opts.rows * campaign.share * scale * 1.2) / campaign.meanRows);
    for (let i = 0; i < n; i++) queue.push(campaign.make(world, t0 + 6 * HOUR_MS + world.rng.next() * spanMs * 1.2));
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
