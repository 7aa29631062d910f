import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TEST_SECRET_KEY } from "./keys";
import { call } from "./helpers";

/** A cheap protected route (secret keys only); the route tests cover the others. */
const ROUTE = "/v1/entities/card/fp_fuzz";

/** Characters a header value can carry (fetch refuses control characters; leading/trailing blanks are trimmed). */
const headerChar = fc.constantFrom(..." \t!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~");
const headerValue = fc.string({ unit: headerChar, maxLength: 120 });

/** Near misses of a valid header: each changes the key or the scheme in one way. */
const nearMiss = fc.oneof(
  // one character of the key replaced
  fc.tuple(fc.nat(TEST_SECRET_KEY.length - 1), fc.constantFrom(..."aZ09_-x")).map(([i, ch]) => {
    const key = TEST_SECRET_KEY.slice(0, i) + ch + TEST_SECRET_KEY.slice(i + 1);
    return key === TEST_SECRET_KEY ? `Bearer ${key}x` : `Bearer ${key}`;
  }),
  // truncated or extended
  fc.integer({ min: 0, max: TEST_SECRET_KEY.length - 1 }).map((n) => `Bearer ${TEST_SECRET_KEY.slice(0, n)}`),
  headerValue.filter((s) => s.trim().length > 0).map((s) => `Bearer ${TEST_SECRET_KEY}${s}`),
  // another scheme, or the key without one, or two keys
  fc.constantFrom(`Basic ${TEST_SECRET_KEY}`, `Token ${TEST_SECRET_KEY}`, TEST_SECRET_KEY, `Bearer ${TEST_SECRET_KEY} ${TEST_SECRET_KEY}`, `Bearer${TEST_SECRET_KEY}`),
  // the other kind or mode
  fc.constantFrom("pk_", "sk_live_").map((p) => `Bearer ${TEST_SECRET_KEY.replace(/^sk_test_/, p === "pk_" ? "pk_test_" : p)}`),
);

describe("Authorization header fuzz", () => {
  it("anything but a valid key is a 401 problem — never a pass, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(headerValue, nearMiss), async (authorization) => {
        const res = await call(ROUTE, { headers: { authorization } });
        expect(res.status, JSON.stringify(authorization)).toBe(401);
        expect((await res.json<{ code: string }>()).code).toBe("unauthorized");
      }),
      { numRuns: 150 },
    );
    // 150 requests, each looking a fresh key up in Redis: ~20–45 s on a busy 2-core machine. Not a timing test.
  }, 120_000);

  it("the valid key passes however the scheme is cased or padded (RFC 9110: case-insensitive scheme)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("Bearer", "bearer", "BEARER", "bEaReR"), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 2 }), async (scheme, gap, tail) => {
        const res = await call(ROUTE, { headers: { authorization: `${scheme}${" ".repeat(gap)}${TEST_SECRET_KEY}${" ".repeat(tail)}` } });
        expect(res.status).toBe(404); // authenticated: the entity is simply unknown
        await res.arrayBuffer();
      }),
      { numRuns: 24 },
    );
  });
});
