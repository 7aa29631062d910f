import { ApiError } from "../errors/problem";
import type { KeyKind } from "./api-key";
import type { Principal } from "./authenticate";
import type { Scope } from "./key-record";

/** What a route asks of a key: which kinds may call it and the scope it needs. */
export interface RouteAccess {
  keys: readonly KeyKind[];
  scope: Scope;
}

/**
 * 403 unless this key may call this route. A publishable key is public by design (it sits in a page's source), so
 * it may only do what a checkout page needs, and only from the origins its merchant listed — which stops other
 * sites' pages from using it; a script can forge `Origin`, which is why publishable keys also have per-IP limits.
 */
export function authorize(principal: Principal, access: RouteAccess, origin: string | undefined): void {
  if (!access.keys.includes(principal.kind)) {
    throw new ApiError(
      "forbidden",
      principal.kind === "publishable"
        ? "Publishable keys may only score single transactions (POST /v1/score); call this route from your server with a secret key"
        : `This route takes a ${access.keys.join(" or ")} key`,
    );
  }
  if (!principal.scopes.includes(access.scope)) throw new ApiError("forbidden", `This key lacks the "${access.scope}" scope`);
  if (principal.kind === "publishable") {
    if (!origin) throw new ApiError("forbidden", "A publishable key must be used from a web page (the request has no Origin)");
    if (!principal.allowedOrigins.includes(origin)) {
      throw new ApiError("forbidden", `Origin ${origin.slice(0, 200)} is not allowed for this key`);
    }
  }
}
