/**
 * The decisions this isolate made lately, each with the score of every model that saw it: what the A/B and shadow
 * report reads (`npm run ab-report`, GET /v1/admin/models/observations). A ring of OBSERVATIONS_KEPT entries of
 * ~370 bytes of V8 heap each (measured in Node: 7.1 MiB for 20,000), so ~3.6 MiB at most. Per isolate: on a local `npm run dev` (one isolate) it is all the traffic; in a
 * deployment the report reads Analytics Engine instead, whose points carry the same scores (schema.ts).
 */
export const OBSERVATIONS_KEPT = 10_000;

export interface Observation {
  /** Sequence number in this isolate: a reader asks for what came after the last it saw. */
  seq: number;
  at: number;
  merchant: string;
  transaction_id: string;
  decision: string;
  /** The model that decided, and why (live, challenger, pinned, fallback). */
  model: { version: string; role: string; score: number };
  /** Each shadow's score, and what it would have decided at its own thresholds. */
  shadows: { version: string; score: number; decision: string }[];
}

export class ObservationLog {
  private readonly ring: Observation[] = [];
  private next = 0;

  constructor(private readonly capacity = OBSERVATIONS_KEPT) {}

  add(o: Omit<Observation, "seq">): void {
    const entry = { seq: this.next++, ...o };
    if (this.ring.length < this.capacity) this.ring.push(entry);
    else this.ring[entry.seq % this.capacity] = entry;
  }

  /** Up to `limit` observations after `after` (a seq), oldest first. */
  since(after: number, limit: number): Observation[] {
    const first = Math.max(after + 1, this.next - this.ring.length);
    const out: Observation[] = [];
    for (let seq = first; seq < this.next && out.length < limit; seq++) out.push(this.ring[seq % this.capacity]!);
    return out;
  }

  get last(): number {
    return this.next - 1;
  }
}
