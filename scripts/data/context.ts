import type { Card, Customer, Issuers, MerchantIndex } from "./population";
import type { Rng } from "./prng";
import type { StreamRecord, TxIds } from "./record";

/** Shared state of one generation run, handed to every actor. */
export interface World {
  rng: Rng;
  merchants: MerchantIndex;
  customers: Customer[];
  issuers: Issuers;
  ids: TxIds;
  /** Cards that passed a card-testing run: the ones later cashed out. */
  compromised: Card[];
  /**
   * What fraud rings reuse across campaigns, with when each was first used: stolen card numbers resold, and the
   * rings' own devices. A later campaign picks only what was used before it started.
   */
  used: { cards: { card: Card; t: number }[]; devices: { id: string; t: number }[] };
}

/** Something that produces records over time: a shopper or a fraud campaign. */
export interface Actor {
  /** Time (ms) of this actor's next record; Infinity when it has no more. */
  next: number;
  /** Produces the record due at `next`, then moves `next` forward. */
  emit(): StreamRecord;
}
