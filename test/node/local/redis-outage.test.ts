import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startKafkaRest, type KafkaRestHandle } from "../../../scripts/local/kafka/kafka-rest";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/local/redis-server-process";
import { startUpstashRest, type UpstashRestHandle } from "../../../scripts/local/upstash-redis-rest";

/** Redis dies mid-run and comes back on the same port: the endpoints answer 5xx fast, then recover by themselves. */
const TOKEN = "outage-token";
let server: RedisServerHandle;
let rest: UpstashRestHandle;
let kafka: KafkaRestHandle;
let redis: Redis;

beforeAll(async () => {
  server = await startRedisServer();
  rest = await startUpstashRest({ redis: server.url, token: TOKEN });
  kafka = await startKafkaRest({ redis: server.url, username: "u", password: "p" });
  redis = new Redis({ url: rest.url, token: TOKEN });
});

afterAll(async () => {
  await kafka.close();
  await rest.close();
  await server.stop();
});

const command = (body: unknown, path = "/") =>
  fetch(`${rest.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });

async function eventually<T>(attempt: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe("backing Redis outage", () => {
  it("stopped: every route answers 5xx {error} at once; restarted: works again", async () => {
    expect(await redis.set("before", "1")).toBe("OK");
    await server.stop();

    const timed = async (call: () => Promise<Response>) => {
      const started = Date.now();
      const res = await call();
      return { res, ms: Date.now() - started };
    };
    const answers = [
      await timed(() => command(["GET", "before"])),
      await timed(() => command([["GET", "before"]], "/pipeline")),
      await timed(() => command([["GET", "before"]], "/multi-exec")),
    ];
    for (const { res, ms } of answers) {
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ error: expect.stringMatching(/unavailable/) });
      // Fail-fast, not a timeout: each answer well inside the 1 s connect timeout it would otherwise wait out.
      expect(ms).toBeLessThan(900);
    }
    await expect(redis.get("before")).rejects.toThrow(/unavailable/);

    await server.restart();
    expect(await eventually(() => redis.set("after", "back"), 3_000)).toBe("OK");
    expect(await redis.get("after")).toBe("back");
    // A restarted throw-away server starts empty.
    expect(await redis.get("before")).toBeNull();
  });

  it("a command in flight when Redis dies gets a 5xx instead of hanging", async () => {
    await eventually(() => redis.ping(), 3_000);
    // Blocks the endpoint's one connection for 15 s unless Redis goes away first.
    const inFlight = command(["BLPOP", "never-filled", "15"]);
    await new Promise((r) => setTimeout(r, 200));
    const killedAt = Date.now();
    await server.stop();
    const res = await inFlight;
    expect(res.status).toBe(503);
    expect(Date.now() - killedAt).toBeLessThan(7_500);
    await server.restart();
    await eventually(() => redis.ping(), 3_000);
  });

  it("Kafka REST on the same Redis answers 5xx {error, status} while it is down", async () => {
    const produce = () =>
      fetch(`${kafka.url}/produce/alerts`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from("u:p").toString("base64")}` },
        body: JSON.stringify({ value: "x" }),
      });
    expect((await produce()).status).toBe(200);
    await server.stop();
    const down = await produce();
    expect(down.status).toBeGreaterThanOrEqual(500);
    expect(await down.json()).toMatchObject({ status: down.status, error: expect.any(String) });
    await server.restart();
    const back = await eventually(async () => {
      const res = await produce();
      if (res.status !== 200) throw new Error(`still ${res.status}`);
      return res;
    }, 3_000);
    expect(await back.json()).toEqual([expect.objectContaining({ topic: "alerts", offset: 0 })]);
  });
});
