import type { RoutingQuery, RoutingReply, RoutingStore, StoredRouting } from "./interface";

/** The routing in this isolate, shared by the memory routing store and the memory feature store's round trip. */
export class MemoryRoutingBook {
  stamp = 0;
  doc: string | undefined;

  lookup(q: RoutingQuery): RoutingReply {
    return q.known === this.stamp || this.doc === undefined ? { stamp: this.stamp } : { stamp: this.stamp, doc: this.doc };
  }
}

export class MemoryRoutingStore implements RoutingStore {
  readonly kind = "memory" as const;
  constructor(private readonly book: MemoryRoutingBook) {}

  async read(): Promise<StoredRouting> {
    return { stamp: this.book.stamp, ...(this.book.doc !== undefined && { doc: this.book.doc }) };
  }

  async replace(expected: number, doc: string): Promise<number | false> {
    if (this.book.stamp !== expected) return false;
    this.book.stamp = Math.max(expected + 1, Date.now());
    this.book.doc = doc;
    return this.book.stamp;
  }
}
