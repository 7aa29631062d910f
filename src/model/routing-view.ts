import { RoutingSchema, type Routing } from "../schemas/routing";
import { initialRouting } from "./routing";

/**
 * The routing as this isolate holds it. Each score's round trip brings the stored stamp back, and the document
 * only when the stamp is not the one held (src/store/routing) — so a promote or rollback reaches every isolate on
 * its next score, with no polling and no extra round trip. Before the first change (stamp 0) the bundled model is
 * live.
 */
export class RoutingView {
  private held: { stamp: number; routing: Routing } | undefined;

  constructor(private readonly bundledVersion: string) {}

  /** The stamp held, for the round trip's query (undefined: send the document). */
  known(): number | undefined {
    return this.held?.stamp;
  }

  /** The routing in force: as last read, or the initial one. */
  current(): Routing {
    return this.held?.routing ?? initialRouting(this.bundledVersion);
  }

  /** Takes in a round trip's reply; a document that does not parse is logged and the one held kept. */
  update(reply: { stamp: number; doc?: string }): Routing {
    if (this.held?.stamp === reply.stamp) return this.held.routing;
    // Stamps only grow (each at least its change's time): an older reply overtaken by a newer one is ignored. 0 is
    // the key deleted — a reset to the bundled model.
    if (this.held && reply.stamp !== 0 && reply.stamp < this.held.stamp) return this.held.routing;
    if (reply.doc === undefined) {
      // Stamp 0: nothing was ever stored. A moved stamp without its document cannot happen (the script sends it).
      if (reply.stamp === 0) this.held = { stamp: 0, routing: initialRouting(this.bundledVersion) };
      return this.current();
    }
    const parsed = RoutingSchema.safeParse(safeJson(reply.doc));
    if (!parsed.success) {
      console.error(`model routing: stored document (stamp ${reply.stamp}) does not parse; keeping stamp ${this.held?.stamp ?? "none"}`);
      return this.current();
    }
    this.held = { stamp: reply.stamp, routing: parsed.data };
    return parsed.data;
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
