import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors/problem";
import type { AppEnv } from "./env";

/** POST bodies must be JSON and at most `maxBytes`; both checked before anything reads the body. */
export function jsonBody(maxBytes: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(type)) {
      throw new ApiError("unsupported_media_type", `Content-Type is "${type.slice(0, 100)}"; send application/json`);
    }
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (declared > maxBytes) throw tooLarge(maxBytes);
    // A declared length is the body's length (HTTP framing holds the runtime to it): read it whole. A chunked body
    // has no length up front: read it with the limit enforced as it streams.
    const text = Number.isFinite(declared) ? await c.req.raw.text() : await readLimited(c.req.raw, maxBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      // The parser's own message quotes the input, which may hold a card number: say only what is wrong.
      throw new ApiError("malformed_json", "The body is not valid JSON (RFC 8259)");
    }
    if (deeperThan(body, MAX_DEPTH)) {
      throw new ApiError("validation_failed", undefined, [
        { path: "(body)", code: "too_deep", message: `JSON nested deeper than ${MAX_DEPTH} levels` },
      ]);
    }
    // Hono's validators read the body from this cache; later middleware reads the parsed value.
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    c.set("body", body);
    await next();
  });
}

/** No request of this API nests deeper than a few levels; the bound keeps every later walk of the body shallow. */
export const MAX_DEPTH = 32;

/** Iterative, so a hostile body cannot exhaust the stack. */
export function deeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= max) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

const tooLarge = (max: number) => new ApiError("payload_too_large", `The limit for this route is ${max} bytes`);

async function readLimited(req: Request, max: number): Promise<string> {
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw tooLarge(max);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const ch of chunks) {
    all.set(ch, at);
    at += ch.byteLength;
  }
  return new TextDecoder().decode(all);
}
