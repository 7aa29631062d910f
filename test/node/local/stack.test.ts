import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Kafka } from "@upstash/kafka";
import { Redis } from "@upstash/redis";
import { describe, expect, it } from "vitest";
import { NO_REDIS_SERVER, startLocalStack } from "../../../scripts/local/stack";

const ROOT = new URL("../../..", import.meta.url).pathname;

describe("startLocalStack", () => {
  it("starts redis-server, the Redis REST and Kafka REST endpoints on free ports; stop() takes them all down", async () => {
    const stack = await startLocalStack();
    try {
      expect(stack.kafka.storage).toBe("redis-streams");
      const redis = new Redis({ url: stack.env.UPSTASH_REDIS_REST_URL, token: stack.env.UPSTASH_REDIS_REST_TOKEN });
      await redis.set("k", "v");
      expect(await redis.get("k")).toBe("v");
      const kafka = new Kafka({
        url: stack.env.UPSTASH_KAFKA_REST_URL,
        username: stack.env.UPSTASH_KAFKA_REST_USERNAME,
        password: stack.env.UPSTASH_KAFKA_REST_PASSWORD,
      });
      expect(await kafka.producer().produce("fraud-alerts", { id: 1 })).toMatchObject({ offset: 0 });
      // Kafka records live in the same redis-server as the features.
      expect(await redis.exists("kafka:log:fraud-alerts:0")).toBe(1);
    } finally {
      await stack.stop();
    }
    const gone = (url: string) => fetch(`${url}/__stats`).then(() => false, () => true);
    expect(await gone(stack.upstashRedis.url)).toBe(true);
    expect(await gone(stack.kafka.url)).toBe(true);
    await expect(fetchTcp(stack.redisServer.port)).resolves.toBe("refused");
  });

  it("without redis-server on PATH: refuses, saying how to install it and that `npm run dev` runs without it", async () => {
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), "no-redis-"));
    try {
      await expect(startLocalStack()).rejects.toThrow(NO_REDIS_SERVER);
    } finally {
      process.env.PATH = path;
    }
  });
});

describe("scripts/kafka-tail.ts", () => {
  it("prints every message of the topic as one JSON line, from both produce protocols", async () => {
    const stack = await startLocalStack();
    try {
      const { env } = stack;
      const kafka = new Kafka({ url: env.UPSTASH_KAFKA_REST_URL, username: env.UPSTASH_KAFKA_REST_USERNAME, password: env.UPSTASH_KAFKA_REST_PASSWORD });
      await kafka.producer().produce("fraud-alerts", { decision: "decline", score: 0.97 }, { key: "card-1" });
      await fetch(`${env.UPSTASH_KAFKA_REST_URL}/kafka/v3/clusters/local/topics/fraud-alerts/records`, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${env.UPSTASH_KAFKA_REST_USERNAME}:${env.UPSTASH_KAFKA_REST_PASSWORD}`).toString("base64")}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ key: { type: "STRING", data: "card-2" }, value: { type: "JSON", data: { decision: "review" } } }),
      });

      const child = spawn(process.execPath, ["--import", "tsx", "scripts/kafka-tail.ts", "--topic", "fraud-alerts", "--from", "earliest", "--max", "2"], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
      expect(code, stderr).toBe(0);

      const lines = stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toEqual([
        { topic: "fraud-alerts", partition: 0, offset: 0, timestamp: expect.any(Number), key: "card-1", value: { decision: "decline", score: 0.97 }, headers: [] },
        { topic: "fraud-alerts", partition: 0, offset: 1, timestamp: expect.any(Number), key: "card-2", value: { decision: "review" }, headers: [] },
      ]);
      // It committed what it printed: the group resumes after offset 1.
      const committed = await kafka.consumer().committed({ consumerGroupId: "kafka-tail", instanceId: "x", topicPartitions: [{ topic: "fraud-alerts", partition: 0 }] });
      expect(committed).toEqual([{ topic: "fraud-alerts", partition: 0, offset: 2 }]);
    } finally {
      await stack.stop();
    }
  });
});

function fetchTcp(port: number): Promise<"open" | "refused"> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("open");
    });
    socket.once("error", () => resolve("refused"));
  });
}
