import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { TEST_METRICS_TOKEN } from "../auth/keys";
import { BASE, bearer } from "../helpers";

describe("service routes", () => {
  it("GET / names the service and links its routes", async () => {
    const res = await SELF.fetch(`${BASE}/`);
    expect(res.status).toBe(200);
    const body = await res.json<{ service: string; version: string; links: Record<string, string> }>();
    expect(body.service).toBe("edge-fraud-scorer");
    expect(body.links.score).toBe("/v1/score");
  });

  it("GET /health reports each dependency (to the operator)", async () => {
    const res = await SELF.fetch(`${BASE}/health`, { headers: bearer(TEST_METRICS_TOKEN) });
    const body = await res.json<{ status: string; checks: Record<string, { status: string }> }>();
    expect(body.checks.model!.status).toBe("ok");
    expect(res.status).toBe(200);
    expect(Object.keys(body.checks)).toContain("redis");
  });

  it("GET /openapi.json is an OpenAPI 3.1 document covering every v1 route", async () => {
    const res = await SELF.fetch(`${BASE}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = await res.json<{ openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } }>();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v1/score", "/v1/score/batch", "/v1/model", "/health", "/"]));
    expect(doc.components.schemas).toHaveProperty("Transaction");
    expect(doc.components.schemas).toHaveProperty("Problem");
  });

  it("GET /docs serves Swagger UI", async () => {
    const res = await SELF.fetch(`${BASE}/docs`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("swagger");
  });
});
