import { describe, expect, it } from "vitest";
import { SCOPES } from "../../../src/auth/key-record";
import type { ProblemBody } from "../helpers";
import { PROTECTED_ROUTES, call, callWith, newKey, revoke } from "./helpers";

const ORIGIN = "https://shop.example.com";

async function problem(res: Response, status: number, code: string): Promise<ProblemBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = await res.json<ProblemBody>();
  expect(body.code).toBe(code);
  return body;
}

describe.each(PROTECTED_ROUTES)("$name — keys", (route) => {
  const send = (key: string | undefined, origin?: string) => call(route.path, { key, origin, body: route.body?.() });

  it("401 without a key, naming the Bearer scheme", async () => {
    const res = await send(undefined);
    await problem(res, 401, "unauthorized");
    expect(res.headers.get("www-authenticate")).toBe(`Bearer realm="edge-fraud-scorer"`);
  });

  it("401 for a well-formed key nobody issued, and for a malformed one", async () => {
    for (const key of ["sk_test_" + "x".repeat(32), "pk_test_" + "y".repeat(32), "sk_prod_abc", "hunter2"]) {
      const res = await send(key, ORIGIN);
      await problem(res, 401, "unauthorized");
      expect(res.headers.get("www-authenticate")).toContain(`error="invalid_token"`);
    }
  });

  it("401 for a revoked key; a key revoked in the future (a rotation's grace) still works", async () => {
    const { key, record } = await newKey({ kind: "secret" });
    const { key: graced, record: gracedRecord } = await newKey({ kind: "secret" });
    await revoke(record);
    await revoke(gracedRecord, new Date(Date.now() + 3600_000));
    expect((await problem(await send(key), 401, "unauthorized")).detail).toContain("revoked");
    expect([401, 403]).not.toContain((await send(graced)).status);
  });

  it("401 for a live key outside production", async () => {
    const { key } = await newKey({ kind: "secret", mode: "live" });
    expect((await problem(await send(key), 401, "unauthorized")).detail).toMatch(/Live keys are not accepted/);
  });

  it(`403 for a secret key without the "${route.scope}" scope; allowed with it`, async () => {
    const { key: without } = await newKey({ kind: "secret", scopes: SCOPES.filter((s) => s !== route.scope) });
    expect((await problem(await send(without), 403, "forbidden")).detail).toContain(route.scope);
    const { key: only } = await newKey({ kind: "secret", scopes: [route.scope] });
    expect([401, 403]).not.toContain((await send(only)).status);
  });

  if ((route.keys as readonly string[]).includes("publishable")) {
    it("a publishable key works from a listed origin; 403 from any other origin or with none", async () => {
      const { key } = await newKey({ kind: "publishable", allowedOrigins: [ORIGIN, "http://localhost:3000"] });
      expect((await send(key, ORIGIN)).status).toBe(200);
      expect((await send(key, "http://localhost:3000")).status).toBe(200);
      for (const origin of ["https://evil.example.com", "https://shop.example.com.evil.io", "http://shop.example.com", "null"]) {
        expect((await problem(await send(key, origin), 403, "forbidden")).detail).toContain("not allowed");
      }
      expect((await problem(await send(key), 403, "forbidden")).detail).toContain("no Origin");
    });
  } else {
    it("403 for a publishable key, even from its own origin (secret-key route)", async () => {
      const { key } = await newKey({ kind: "publishable", allowedOrigins: [ORIGIN] });
      expect((await problem(await send(key, ORIGIN), 403, "forbidden")).detail).toMatch(/secret key/);
    });
  }
});

describe("public routes and the API description", () => {
  it("/, /health, /openapi.json and /docs need no key", async () => {
    for (const path of ["/", "/health", "/openapi.json", "/docs"]) expect((await call(path)).status, path).toBe(200);
  });

  it("every protected route declares its key kinds and scope in OpenAPI; public routes declare none", async () => {
    const doc = await (await call("/openapi.json")).json<{
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    }>();
    expect(doc.components.securitySchemes.SecretKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.components.securitySchemes.PublishableKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.paths["/v1/score"]!.post!.security).toEqual([{ PublishableKey: ["score"] }, { SecretKey: ["score"] }]);
    expect(doc.paths["/v1/score/batch"]!.post!.security).toEqual([{ SecretKey: ["score:batch"] }]);
    expect(doc.paths["/v1/entities/{type}/{id}"]!.get!.security).toEqual([{ SecretKey: ["entities:read"] }]);
    expect(doc.paths["/v1/model"]!.get!.security).toEqual([{ SecretKey: ["model:read"] }]);
    expect(doc.paths["/v1/stats"]!.get!.security).toEqual([{ SecretKey: ["stats:read"] }]);
    expect(doc.paths["/metrics"]!.get!.security).toEqual([{ MetricsToken: [] }]);
    for (const path of ["/", "/health"]) expect(doc.paths[path]!.get!.security).toBeUndefined();
  });

  it("the documented Transaction leaves the merchant to the key", async () => {
    const doc = await (await call("/openapi.json")).json<{
      components: { schemas: { Transaction: { required: string[]; properties: { merchant: { required?: string[] } } } } };
    }>();
    const tx = doc.components.schemas.Transaction;
    expect(tx.required).toEqual(expect.arrayContaining(["transaction_id", "amount", "currency", "card"]));
    expect(tx.required).not.toContain("merchant");
    expect(tx.properties.merchant.required ?? []).not.toContain("id");
  });
});

describe("a deployment without a key store", () => {
  it.each(PROTECTED_ROUTES)("$name: 503 store_unavailable before looking at the credentials, sent or not", async (route) => {
    for (const headers of [{}, { authorization: "Basic eA==" }, { authorization: "Bearer sk_test_" + "z".repeat(32) }] as Record<string, string>[]) {
      const res = await callWith({ UPSTASH_REDIS_REST_URL: "", UPSTASH_REDIS_REST_TOKEN: "" }, route.path, { body: route.body?.(), headers });
      await problem(res, 503, "store_unavailable");
      expect(res.headers.get("www-authenticate")).toBeNull();
    }
  });
});
