import { describe, expect, it } from "vitest";
import { bareTransaction, call, newKey } from "./helpers";

const SHOP = "https://shop.example.com";
const preflight = (path: string, origin: string, method = "POST") =>
  call(path, {
    method: "OPTIONS",
    headers: { origin, "access-control-request-method": method, "access-control-request-headers": "authorization, content-type" },
  });

describe("CORS", () => {
  it("a preflight to /v1/score is answered for any origin (it carries no key), with the route's method and headers", async () => {
    for (const origin of [SHOP, "https://anyone.example.org"]) {
      const res = await preflight("/v1/score", origin);
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.get("access-control-allow-methods")).toBe("POST");
      expect(res.headers.get("access-control-allow-headers")).toBe("authorization, content-type, idempotency-key");
      expect(res.headers.get("access-control-max-age")).toBe("600");
      expect(res.headers.get("vary")).toContain("Origin");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("server-only routes get no CORS at all, so browsers cannot call them cross-origin", async () => {
    for (const [path, method] of [["/v1/score/batch", "POST"], ["/v1/model", "GET"]] as const) {
      const res = await preflight(path, SHOP, method);
      expect(res.headers.get("access-control-allow-origin")).toBeNull();
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
  });

  it("the response names the origin only for a publishable key that lists it", async () => {
    const { key: pk } = await newKey({ kind: "publishable", allowedOrigins: [SHOP] });
    const ok = await call("/v1/score", { key: pk, origin: SHOP, body: bareTransaction() });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(SHOP);
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    expect(ok.headers.get("access-control-expose-headers")).toContain("RateLimit-Remaining");
    expect(ok.headers.get("vary")).toContain("Origin");

    const otherOrigin = await call("/v1/score", { key: pk, origin: "https://evil.example.com", body: bareTransaction() });
    expect(otherOrigin.status).toBe(403);
    expect(otherOrigin.headers.get("access-control-allow-origin")).toBeNull();

    const noKey = await call("/v1/score", { origin: SHOP, body: bareTransaction() });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get("access-control-allow-origin")).toBeNull();

    // A secret key works from anywhere that is not a browser page; a page that holds one is not helped to use it.
    const { key: sk } = await newKey({ kind: "secret" });
    const fromPage = await call("/v1/score", { key: sk, origin: SHOP, body: bareTransaction() });
    expect(fromPage.status).toBe(200);
    expect(fromPage.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("security headers are on every response, errors and preflights included", async () => {
    const { key } = await newKey({ kind: "publishable", allowedOrigins: [SHOP] });
    for (const res of [
      await call("/v1/score", { key, origin: SHOP, body: bareTransaction() }),
      await call("/v1/score", { body: bareTransaction() }),
      await call("/v1/model", { key, origin: SHOP }),
      await preflight("/v1/score", SHOP),
      await call("/health"),
    ]) {
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("strict-transport-security")).toBeTruthy();
      expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    }
  });
});
