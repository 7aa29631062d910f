import { describe, expect, it } from "vitest";
import cardJson from "../../../models/fraud-gbdt.card.json";
import { ModelCardSchema } from "../../../src/model/card";
import { runExporter } from "../../../workers/metrics-exporter/src/run";

/** What the exporter's scheduled run reports when the deployment lacks what a phase needs (nothing is contacted). */
const card = ModelCardSchema.parse(cardJson);
const run = (env: Record<string, string>) => runExporter(env, card, Date.now());

describe("exporter phases skip, saying why", () => {
  it("without Redis: nothing is spilled, whatever the sink", async () => {
    expect((await run({})).replay).toEqual({ skipped: "no Redis (UPSTASH_REDIS_REST_URL): nothing is spilled" });
    expect((await run({ UPSTASH_KAFKA_REST_URL: "http://127.0.0.1:9", UPSTASH_KAFKA_REST_USERNAME: "u", UPSTASH_KAFKA_REST_PASSWORD: "p" })).replay).toEqual({
      skipped: "no Redis (UPSTASH_REDIS_REST_URL): nothing is spilled",
    });
  });

  it("without the AE SQL API, or without Redis to keep the snapshot in", async () => {
    expect((await run({})).metrics).toEqual({ skipped: "AE SQL API not configured (CF_ACCOUNT_ID or AE_SQL_URL, and CF_API_TOKEN)" });
    expect((await run({ AE_SQL_URL: "http://127.0.0.1:9/sql", CF_API_TOKEN: "t" })).metrics).toEqual({ skipped: "no Redis (UPSTASH_REDIS_REST_URL) to store the snapshot in" });
  });

  it("never replays into the memory sink, and never runs on memory backends", async () => {
    const redis = { UPSTASH_REDIS_REST_URL: "http://127.0.0.1:9", UPSTASH_REDIS_REST_TOKEN: "t" };
    expect((await run({ ...redis, ALERT_SINK: "memory" })).replay).toEqual({ skipped: "ALERT_SINK=memory: replay needs a Kafka REST sink" });
    const memory = await run({ BACKENDS: "memory" });
    expect(memory.replay).toEqual(memory.metrics);
    expect(memory.replay).toMatchObject({ skipped: expect.stringContaining("BACKENDS=memory") });
  });
});
