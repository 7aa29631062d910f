import { describe, expect, it } from "vitest";
import cardJson from "../../../models/fraud-gbdt.card.json";
import { keyStoreFrom } from "../../../src/auth/keys/from-config";
import { ConfigError, ConfigSchema, configFrom, parseConfig } from "../../../src/config";
import { ModelCardSchema } from "../../../src/model/card";
import { runExporter } from "../../../workers/metrics-exporter/src/run";

const SECRET = "tok_do_not_log_0123456789";

/** A deployment whose variables do not parse is refused naming them — never their values, which may be secrets. */
describe("configuration", () => {
  it("the scorer names every invalid variable and none of the values", () => {
    const env = { REDIS_TIMEOUT_MS: "soon", UPSTASH_REDIS_REST_URL: "not a url", UPSTASH_REDIS_REST_TOKEN: SECRET, ALERT_SINK: "pigeon" };
    const error = (() => {
      try {
        configFrom(env);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variables.sort()).toEqual(["ALERT_SINK", "REDIS_TIMEOUT_MS", "UPSTASH_REDIS_REST_URL"]);
    expect((error as Error).message).not.toContain(SECRET);
    expect((error as Error).message).not.toContain("not a url");
  });

  it("production refuses the memory backends and the memory alert sink; other environments take them", () => {
    expect(() => parseConfig(ConfigSchema, { ENVIRONMENT: "production", BACKENDS: "memory" })).toThrow(new ConfigError(["BACKENDS"]));
    expect(() => parseConfig(ConfigSchema, { ENVIRONMENT: "production", BACKENDS: "memory", ALERT_SINK: "memory" })).toThrow(new ConfigError(["BACKENDS", "ALERT_SINK"]));
    expect(parseConfig(ConfigSchema, { ENVIRONMENT: "staging", BACKENDS: "memory" }).BACKENDS).toBe("memory");
    expect(parseConfig(ConfigSchema, {}).BACKENDS).toBe("upstash");
  });

  it("ANALYTICS_FORWARD_URL: a loopback address only (the local AE stand-in), and never in production", () => {
    const local = "http://127.0.0.1:8077/__points";
    expect(parseConfig(ConfigSchema, { ANALYTICS_FORWARD_URL: local }).ANALYTICS_FORWARD_URL).toBe(local);
    expect(() => parseConfig(ConfigSchema, { ANALYTICS_FORWARD_URL: "https://collector.example.com/__points" })).toThrow(new ConfigError(["ANALYTICS_FORWARD_URL"]));
    expect(() => parseConfig(ConfigSchema, { ENVIRONMENT: "production", ANALYTICS_FORWARD_URL: local })).toThrow(new ConfigError(["ANALYTICS_FORWARD_URL"]));
  });

  it("the registry's ADMIN_TOKEN may not be the METRICS_TOKEN", () => {
    const token = "same_token_for_both_0123456789";
    expect(() => parseConfig(ConfigSchema, { ADMIN_TOKEN: token, METRICS_TOKEN: token })).toThrow(new ConfigError(["ADMIN_TOKEN"]));
    expect(parseConfig(ConfigSchema, { ADMIN_TOKEN: token, METRICS_TOKEN: `${token}x` }).ADMIN_TOKEN).toBe(token);
  });

  it("SEED_API_KEYS: only with BACKENDS=memory, and only records that parse", () => {
    const config = (env: Record<string, string>) => parseConfig(ConfigSchema, env);
    expect(() => keyStoreFrom(config({ SEED_API_KEYS: "[]" }))).toThrow(new ConfigError(["SEED_API_KEYS"]));
    expect(() => keyStoreFrom(config({ BACKENDS: "memory", SEED_API_KEYS: `[{"id":"${SECRET}"}]` }))).toThrow(new ConfigError(["SEED_API_KEYS"]));
    expect(() => keyStoreFrom(config({ BACKENDS: "memory", SEED_API_KEYS: "{" }))).toThrow(new ConfigError(["SEED_API_KEYS"]));
    expect(keyStoreFrom(config({ BACKENDS: "memory", SEED_API_KEYS: "[]" })).kind).toBe("memory");
  });

  it("the exporter reports its own bad configuration the same way", async () => {
    const card = ModelCardSchema.parse(cardJson);
    const run = runExporter({ REPLAY_BATCH: "many", MAX_MERCHANTS: "0", CF_API_TOKEN: SECRET }, card, Date.now());
    await expect(run).rejects.toThrow(ConfigError);
    await expect(run).rejects.toMatchObject({ variables: ["MAX_MERCHANTS", "REPLAY_BATCH"].sort() });
    await expect(run).rejects.not.toThrow(SECRET);
  });
});
