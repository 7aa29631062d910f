import { describe, expect, it } from "vitest";
import { generateKey, keyHint, parseKey } from "../../../src/auth/api-key";
import { clientNetwork, ipv6Prefix64 } from "../../../src/auth/client-network";
import { digestsEqual, keyDigest, keyIdOf, secretsEqual } from "../../../src/auth/hash";
import { KeyCache, KeyLookupUnavailable, type KeySource } from "../../../src/auth/key-cache";
import { recordFor } from "../../../src/auth/key-lifecycle";
import type { ApiKeyRecord } from "../../../src/auth/key-record";

describe("key strings", () => {
  it("generated keys parse as what they are, are base62 and never repeat", () => {
    const seen = new Set<string>();
    for (const kind of ["publishable", "secret"] as const) {
      for (const mode of ["test", "live"] as const) {
        for (let i = 0; i < 200; i++) {
          const key = generateKey(kind, mode);
          expect(key).toMatch(/^(pk|sk)_(test|live)_[0-9A-Za-z]{32}$/);
          expect(parseKey(key)).toEqual({ kind, mode });
          seen.add(key);
        }
      }
    }
    expect(seen.size).toBe(800);
  });

  it("anything else is not a key", () => {
    for (const s of ["", "sk_test_", "sk_test_short", "rk_test_" + "a".repeat(32), "sk_prod_" + "a".repeat(32), "sk_test_" + "a".repeat(32) + "!", " sk_test_" + "a".repeat(32)]) {
      expect(parseKey(s), s).toBeUndefined();
    }
  });

  it("a hint shows the prefix and the last four characters only", () => {
    expect(keyHint("sk_test_abcdefghijklmnopqrstuvwxyz123456")).toBe("sk_test_…3456");
  });
});

describe("digests and comparisons", () => {
  it("a key's id is a digest prefix; digests compare in full", async () => {
    const d = await keyDigest("sk_test_" + "a".repeat(32));
    expect(d).toMatch(/^[0-9a-f]{64}$/);
    expect(keyIdOf(d)).toBe(`key_${d.slice(0, 16)}`);
    expect(digestsEqual(d, d)).toBe(true);
    expect(digestsEqual(d, d.slice(0, 63) + (d.endsWith("0") ? "1" : "0"))).toBe(false);
    expect(digestsEqual(d, d.slice(0, 63))).toBe(false);
  });

  it("secrets of any lengths compare by their digests", async () => {
    expect(await secretsEqual("metrics-token-0123456789", "metrics-token-0123456789")).toBe(true);
    expect(await secretsEqual("metrics-token-0123456789", "metrics-token-0123456788")).toBe(false);
    expect(await secretsEqual("metrics-token-0123456789", "metrics-token-01234567890")).toBe(false);
    expect(await secretsEqual("", "x")).toBe(false);
  });
});

describe("client network", () => {
  it("IPv6 addresses are counted per /64, however they are written", () => {
    expect(ipv6Prefix64("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(ipv6Prefix64("2001:0DB8:0001:0002:ffff:0:0:9")).toBe("2001:db8:1:2::/64");
    expect(ipv6Prefix64("2001:db8::")).toBe("2001:db8:0:0::/64");
    expect(ipv6Prefix64("::1")).toBe("0:0:0:0::/64");
  });

  it("IPv4 (also IPv4-mapped) is counted per address; no header is one shared bucket", () => {
    const req = (ip?: string) => new Request("http://x", { headers: ip ? { "cf-connecting-ip": ip } : {} });
    expect(clientNetwork(req("198.51.100.7"))).toBe("198.51.100.7");
    expect(clientNetwork(req("::ffff:198.51.100.7"))).toBe("198.51.100.7");
    expect(clientNetwork(req("2001:db8:1:2::1"))).toBe("2001:db8:1:2::/64");
    expect(clientNetwork(req())).toBe("unknown");
  });
});

/** A key source over a Map that counts its reads and can be made to fail, like an unreachable Redis. */
class MapSource implements KeySource {
  readonly records = new Map<string, ApiKeyRecord>();
  reads = 0;
  failing = false;
  async get(sha256: string): Promise<ApiKeyRecord | null> {
    this.reads++;
    await new Promise((r) => setTimeout(r, 5));
    if (this.failing) throw new Error("connection refused");
    return this.records.get(sha256) ?? null;
  }
}

describe("KeyCache", () => {
  const policy = { ttlMs: 1000, maxStaleMs: 5000 };
  const record = (key: string) => recordFor(key, { kind: "secret", mode: "test", merchantId: "m_units" });

  it("reads once per TTL; concurrent misses share the read; unknown keys are remembered too", async () => {
    const source = new MapSource();
    const r = await record("sk_test_units_cache_aaaaaaaaaaaaaaaaaa");
    source.records.set(r.sha256, r);
    const cache = new KeyCache();
    const t0 = Date.now();
    const all = await Promise.all(Array.from({ length: 10 }, () => cache.lookup(r.sha256, source, policy, t0)));
    expect(all.every((x) => x?.id === r.id)).toBe(true);
    expect(source.reads).toBe(1);
    expect(await cache.lookup(r.sha256, source, policy, t0 + 999)).toEqual(r);
    expect(source.reads).toBe(1);
    await cache.lookup(r.sha256, source, policy, Date.now() + 1001);
    expect(source.reads).toBe(2);

    expect(await cache.lookup("f".repeat(64), source, policy, t0)).toBeNull();
    expect(await cache.lookup("f".repeat(64), source, policy, t0)).toBeNull();
    expect(source.reads).toBe(3);
  });

  it("when the source fails: a stale record stands in up to TTL + maxStale, then the lookup is unavailable", async () => {
    const source = new MapSource();
    const r = await record("sk_test_units_stale_bbbbbbbbbbbbbbbbbb");
    source.records.set(r.sha256, r);
    const cache = new KeyCache();
    await cache.lookup(r.sha256, source, policy);
    source.failing = true;
    const now = Date.now();
    expect(await cache.lookup(r.sha256, source, policy, now + 3000)).toEqual(r);
    await expect(cache.lookup(r.sha256, source, policy, now + 6100)).rejects.toBeInstanceOf(KeyLookupUnavailable);
    await expect(cache.lookup("e".repeat(64), source, policy)).rejects.toBeInstanceOf(KeyLookupUnavailable);
  });

  it("is bounded: the least recently fetched entry goes first", async () => {
    const source = new MapSource();
    const cache = new KeyCache(3);
    const digests = ["a", "b", "c", "d"].map((c) => c.repeat(64));
    for (const d of digests) await cache.lookup(d, source, policy);
    expect(source.reads).toBe(4);
    await cache.lookup(digests[3]!, source, policy); // still cached
    expect(source.reads).toBe(4);
    await cache.lookup(digests[0]!, source, policy); // evicted: read again
    expect(source.reads).toBe(5);
  });
});
