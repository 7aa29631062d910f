import { Kafka } from "@upstash/kafka";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startKafkaRest, type KafkaRestHandle } from "../../../scripts/local/kafka/kafka-rest";
import { startRedisServer, type RedisServerHandle } from "../../../scripts/local/redis-server-process";

/** The Kafka REST endpoint driven by the real @upstash/kafka client, over Redis Streams and over memory. */
const USER = "kafka-user";
const PASS = "kafka-pass";
const basic = `Basic ${Buffer.from(`${USER}:${PASS}`).toString("base64")}`;

describe.each(["redis-streams", "memory"] as const)("Kafka REST over %s", (storage) => {
  let server: RedisServerHandle | undefined;
  let kafkaRest: KafkaRestHandle;
  let kafka: Kafka;
  let topic: string;
  let n = 0;

  beforeAll(async () => {
    server = storage === "redis-streams" ? await startRedisServer() : undefined;
    kafkaRest = await startKafkaRest({ redis: server?.url, username: USER, password: PASS });
    kafka = new Kafka({ url: kafkaRest.url, username: USER, password: PASS });
  });

  afterAll(async () => {
    await kafkaRest.close();
    await server?.stop();
  });

  beforeEach(() => {
    topic = `alerts-${++n}`;
    kafkaRest.setDown(false);
    kafkaRest.resetStats();
  });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${kafkaRest.url}${path}`, {
      method: "POST",
      headers: { authorization: basic, "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
  const consumeAll = (group: string, instance = "i1", timeout = 200) =>
    kafka.consumer().consume({ consumerGroupId: group, instanceId: instance, topics: [topic], autoOffsetReset: "earliest", autoCommit: false, timeout });

  it("reports the storage it was given", () => {
    expect(kafkaRest.storage).toBe(storage);
  });

  it("produce (POST /produce, one message) and produceMany answer metadata in request order", async () => {
    const producer = kafka.producer();
    const first = await producer.produce(topic, { score: 0.97 }, { key: "card-1", headers: [{ key: "trace", value: "abc" }] });
    expect(first).toEqual({ topic, partition: 0, offset: 0, timestamp: expect.any(Number) });

    const other = `${topic}-other`;
    const many = await producer.produceMany([
      { topic, value: "second" },
      { topic: other, value: "elsewhere" },
      { topic, value: { third: true }, timestamp: 1_700_000_000_000 },
    ]);
    expect(many).toEqual([
      { topic, partition: 0, offset: 1, timestamp: expect.any(Number) },
      { topic: other, partition: 0, offset: 0, timestamp: expect.any(Number) },
      { topic, partition: 0, offset: 2, timestamp: 1_700_000_000_000 },
    ]);
    expect(await kafka.admin().topics()).toMatchObject({ [topic]: 1, [other]: 1 });
  });

  it("POST /produce/<topic> takes one message or many and answers an array; GET /produce/<topic>/<msg> one object", async () => {
    const one = await post(`/produce/${topic}`, { value: "a", key: "k" });
    expect(await one.json()).toEqual([{ topic, partition: 0, offset: 0, timestamp: expect.any(Number) }]);
    const two = await post(`/produce/${topic}`, [{ value: "b" }, { value: "c", partition: 1 }]);
    expect(await two.json()).toEqual([
      { topic, partition: 0, offset: 1, timestamp: expect.any(Number) },
      { topic, partition: 1, offset: 0, timestamp: expect.any(Number) },
    ]);
    const get = await fetch(`${kafkaRest.url}/produce/${topic}/hello?key=city`, { headers: { authorization: basic } });
    expect(await get.json()).toEqual({ topic, partition: 0, offset: 2, timestamp: expect.any(Number) });
    const messages = await consumeAll("g-produce");
    expect(messages.map((m) => [m.partition, m.offset, m.key, m.value])).toEqual([
      [0, 0, "k", "a"],
      [0, 1, "", "b"],
      [0, 2, "city", "hello"],
      [1, 0, "", "c"],
    ]);
  });

  it("produce → consume → commit round trip; a new instance of the group resumes after the commit", async () => {
    const producer = kafka.producer();
    await producer.produce(topic, { alert: 1 }, { key: "card-1", headers: [{ key: "src", value: "scorer" }] });
    await producer.produceMany([{ topic, value: "two" }, { topic, value: "three" }]);

    const consumer = kafka.consumer();
    const ids = { consumerGroupId: "g-roundtrip", instanceId: "first" };
    const got = await consumer.consume({ ...ids, topics: [topic], autoOffsetReset: "earliest", autoCommit: false, timeout: 200 });
    expect(got).toEqual([
      { topic, partition: 0, offset: 0, timestamp: expect.any(Number), key: "card-1", value: '{"alert":1}', headers: [{ key: "src", value: "scorer" }] },
      { topic, partition: 0, offset: 1, timestamp: expect.any(Number), key: "", value: "two", headers: [] },
      { topic, partition: 0, offset: 2, timestamp: expect.any(Number), key: "", value: "three", headers: [] },
    ]);
    expect(await consumer.committed({ ...ids, topicPartitions: [{ topic, partition: 0 }] })).toEqual([{ topic, partition: 0, offset: -1 }]);

    await consumer.commit(ids);
    expect(await consumer.committed({ ...ids, topicPartitions: [{ topic, partition: 0 }] })).toEqual([{ topic, partition: 0, offset: 3 }]);

    await producer.produce(topic, "four");
    const next = await consumer.consume({ consumerGroupId: "g-roundtrip", instanceId: "second", topics: [topic], autoOffsetReset: "earliest", timeout: 200 });
    expect(next.map((m) => m.value)).toEqual(["four"]);

    // An explicit offset commit rewinds the group.
    await consumer.commit({ ...ids, offset: { topic, partition: 0, offset: 1 } });
    const rewound = await consumer.consume({ consumerGroupId: "g-roundtrip", instanceId: "third", topics: [topic], autoCommit: false, timeout: 200 });
    expect(rewound.map((m) => m.value)).toEqual(["two", "three", "four"]);
  });

  it("a Confluent v3 produce is visible to the Upstash consumer, interleaved with Upstash produces", async () => {
    await kafka.producer().produce(topic, "from-upstash");
    const res = await post(`/kafka/v3/clusters/lkc-local/topics/${topic}/records`, {
      key: { type: "STRING", data: "card-9" },
      value: { type: "JSON", data: { decision: "decline", score: 0.99 } },
      headers: [{ name: "trace", value: Buffer.from("t-1").toString("base64") }],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      error_code: 200,
      cluster_id: "lkc-local",
      topic_name: topic,
      partition_id: 0,
      offset: 1,
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      key: { type: "STRING", size: 6 },
      value: { type: "JSON", size: 35 },
    });
    const binary = await post(`/kafka/v3/clusters/lkc-local/topics/${topic}/records`, {
      value: { type: "BINARY", data: Buffer.from("raw bytes").toString("base64") },
    });
    expect(((await binary.json()) as { offset: number }).offset).toBe(2);

    const messages = await consumeAll("g-confluent");
    expect(messages.map((m) => ({ key: m.key, value: m.value, headers: m.headers }))).toEqual([
      { key: "", value: "from-upstash", headers: [] },
      { key: "card-9", value: '{"decision":"decline","score":0.99}', headers: [{ key: "trace", value: "t-1" }] },
      { key: "", value: "raw bytes", headers: [] },
    ]);
  });

  it("consume long-polls: an empty poll returns as soon as a record lands", async () => {
    const ids = { consumerGroupId: "g-poll", instanceId: "i" };
    const consumer = kafka.consumer();
    // The first poll pins the "latest" position, so only what comes after it is delivered.
    await kafka.producer().produce(topic, "old");
    expect(await consumer.consume({ ...ids, topics: [topic], timeout: 0 })).toEqual([]);

    const started = Date.now();
    const waiting = consumer.consume({ ...ids, topics: [topic], timeout: 20_000 });
    setTimeout(() => void kafka.producer().produce(topic, "new"), 100);
    const got = await waiting;
    expect(got.map((m) => m.value)).toEqual(["new"]);
    // Half the poll timeout: generous for a loaded CI machine, still nowhere near "waited it out".
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("fetch reads from an offset without a consumer group", async () => {
    await kafka.producer().produceMany([{ topic, value: "a" }, { topic, value: "b" }, { topic, value: "c" }]);
    const got = await kafka.consumer().fetch({ topic, partition: 0, offset: 1, timeout: 100 });
    expect(got.map((m) => [m.offset, m.value])).toEqual([
      [1, "b"],
      [2, "c"],
    ]);
  });

  it("fault injection: while down every produce answers 503, consuming still works", async () => {
    await kafka.producer().produce(topic, "before");
    const fault = await fetch(`${kafkaRest.url}/__fault`, { method: "POST", body: JSON.stringify({ down: true }) });
    expect(await fault.json()).toMatchObject({ down: true });

    const upstash = await post(`/produce/${topic}`, { value: "lost" });
    expect(upstash.status).toBe(503);
    expect(await upstash.json()).toEqual({ error: expect.any(String), status: 503 });
    const confluent = await post(`/kafka/v3/clusters/c/topics/${topic}/records`, { value: { type: "STRING", data: "lost" } });
    expect(confluent.status).toBe(503);
    expect(await confluent.json()).toEqual({ error_code: 503, message: expect.any(String) });
    expect((await consumeAll("g-fault")).map((m) => m.value)).toEqual(["before"]);

    kafkaRest.setDown(false);
    expect((await post(`/produce/${topic}`, { value: "after" })).status).toBe(200);
    const stats = await (await fetch(`${kafkaRest.url}/__stats`)).json();
    expect(stats).toMatchObject({ produced: 2, rejected: 2, down: false });
    expect(stats).toEqual(kafkaRest.stats());
  });

  it("wrong credentials → 401 {error, status}; invalid messages → 400", async () => {
    const bad = await fetch(`${kafkaRest.url}/produce/${topic}`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${USER}:wrong`).toString("base64")}` },
      body: JSON.stringify({ value: "x" }),
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ error: "Unauthorized", status: 401 });

    const notString = await post(`/produce/${topic}`, { value: { not: "a string" } });
    expect(notString.status).toBe(400);
    expect(await notString.json()).toEqual({ error: expect.stringContaining("value"), status: 400 });
    const noTopic = await post("/produce", { value: "x" });
    expect(noTopic.status).toBe(400);
    expect(kafkaRest.stats().produced).toBe(0);
  });
});
