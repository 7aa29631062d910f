import { MAX_HISTORY, MAX_PINS, MAX_PREVIOUS, MAX_ROUTED_VERSIONS, MAX_SHADOWS, type ModelRole, type Routing, type RoutingChange } from "../schemas/routing";

/**
 * Routing as pure functions (docs/models.md): which version decides a transaction, and what a change does to the
 * routing. The store keeps the document (src/store/routing), the admin route applies changes, the pipeline routes.
 */

export const initialRouting = (live: string): Routing => ({ live, challenger: null, shadows: [], pins: {}, previous: [], history: [] });

/** Every version the routing names: the sessions an isolate needs loaded. */
export function routedVersions(r: Routing): Set<string> {
  return new Set([r.live, ...(r.challenger ? [r.challenger.version] : []), ...r.shadows, ...Object.values(r.pins)]);
}

/**
 * A stable bucket in [0, 10 000) for a shopper: FNV-1a over the salt and the key. The salt is the challenger's
 * version, so each experiment draws its own shoppers and a shopper keeps one model for the whole experiment.
 */
export function bucketOf(salt: string, key: string): number {
  let h = 0x811c9dc5;
  const s = `${salt}\u0000${key}`;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % 10_000;
}

export interface Route {
  version: string;
  role: ModelRole;
}

/** The version that decides for `merchant`'s shopper `key` (customer id, else card fingerprint). */
export function routeFor(r: Routing, merchant: string, key: string): Route {
  // Own keys only: a merchant named "constructor" is not pinned to Object.
  const pinned = Object.hasOwn(r.pins, merchant) ? r.pins[merchant] : undefined;
  if (pinned !== undefined) return { version: pinned, role: "pinned" };
  if (r.challenger && bucketOf(r.challenger.version, key) < r.challenger.share * 100) return { version: r.challenger.version, role: "challenger" };
  return { version: r.live, role: "live" };
}

/** The version that decides for `merchant` by default — its pin, else live — for what has no shopper to split on. */
export const merchantDefault = (r: Routing, merchant: string): string => (Object.hasOwn(r.pins, merchant) ? r.pins[merchant]! : r.live);

export type ChangeRefusal = { code: "unknown_version" | "conflict" | "too_many"; message: string };

/**
 * The routing after `change`, or why not. Whether a version can be served at all (published, or the bundled one)
 * is the caller's to check: it knows the registry.
 */
export function applyChange(r: Routing, change: RoutingChange, now: Date): Routing | ChangeRefusal {
  const next: Routing = { ...r, shadows: [...r.shadows], pins: { ...r.pins }, previous: [...r.previous] };
  switch (change.action) {
    case "promote":
      if (change.version === r.live) return { code: "conflict", message: `${change.version} is live already` };
      next.previous = [...r.previous, r.live].slice(-MAX_PREVIOUS);
      next.live = change.version;
      if (r.challenger?.version === change.version) next.challenger = null;
      next.shadows = next.shadows.filter((v) => v !== change.version);
      break;
    case "rollback": {
      const back = next.previous.pop();
      if (back === undefined) return { code: "conflict", message: "Nothing to roll back to: no earlier live version" };
      next.live = back;
      if (r.challenger?.version === back) next.challenger = null;
      next.shadows = next.shadows.filter((v) => v !== back);
      break;
    }
    case "challenger":
      if (change.version === r.live) return { code: "conflict", message: `${change.version} is the live model` };
      next.challenger = { version: change.version, share: change.share };
      next.shadows = next.shadows.filter((v) => v !== change.version);
      break;
    case "clear_challenger":
      if (!r.challenger) return { code: "conflict", message: "There is no challenger" };
      next.challenger = null;
      break;
    case "shadow":
      if (change.version === r.live || change.version === r.challenger?.version) return { code: "conflict", message: `${change.version} decides traffic already; a shadow never does` };
      if (r.shadows.includes(change.version)) return { code: "conflict", message: `${change.version} is a shadow already` };
      if (r.shadows.length >= MAX_SHADOWS) return { code: "too_many", message: `At most ${MAX_SHADOWS} shadows; unshadow one first` };
      next.shadows.push(change.version);
      break;
    case "unshadow":
      if (!r.shadows.includes(change.version)) return { code: "conflict", message: `${change.version} is not a shadow` };
      next.shadows = next.shadows.filter((v) => v !== change.version);
      break;
    case "pin":
      if (!Object.hasOwn(r.pins, change.merchant) && Object.keys(r.pins).length >= MAX_PINS) return { code: "too_many", message: `At most ${MAX_PINS} pinned merchants` };
      next.pins[change.merchant] = change.version;
      break;
    case "unpin":
      if (!Object.hasOwn(r.pins, change.merchant)) return { code: "conflict", message: `${change.merchant} is not pinned` };
      delete next.pins[change.merchant];
      break;
  }
  if (routedVersions(next).size > MAX_ROUTED_VERSIONS) {
    return { code: "too_many", message: `Routing may name at most ${MAX_ROUTED_VERSIONS} versions at once (each is a model every edge node holds in memory)` };
  }
  next.history = [{ at: now.toISOString(), change: describe(change), live: next.live }, ...r.history].slice(0, MAX_HISTORY);
  return next;
}

/** The version a change asks to serve, if any (the caller checks it can be). */
export const versionOf = (change: RoutingChange): string | undefined => ("version" in change ? change.version : undefined);

function describe(c: RoutingChange): string {
  switch (c.action) {
    case "challenger":
      return `challenger ${c.version} ${c.share}%`;
    case "pin":
      return `pin ${c.merchant} ${c.version}`;
    case "unpin":
      return `unpin ${c.merchant}`;
    case "rollback":
    case "clear_challenger":
      return c.action;
    default:
      return `${c.action} ${c.version}`;
  }
}
