import { createMiddleware } from "hono/factory";
import { ApiError } from "../errors/problem";
import type { AppEnv } from "../services";

/** POST bodies must be JSON and at most `maxBytes`; both checked before anything reads the body. */
export function jsonBody(maxBytes: number) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i.test(type)) {
      throw new ApiError("unsupported_media_type", `Content-Type is "${type.slice(0, 100)}"; send application/json`);
    }
    const declared = Number(c.req.header("content-length") ?? NaN);
    if (declared > maxBytes) throw tooLarge(maxBytes);
    // A chunked body has no length up front: read it with the limit enforced as it streams.
    const text = await readLimited(c.req.raw, maxBytes);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (e) {
      throw new ApiError("malformed_json", e instanceof Error ? e.message : undefined);
    }
    // Hono's validators read the body from this cache; later middleware reads the parsed value.
    (c.req.bodyCache as Record<string, unknown>).text = Promise.resolve(text);
    c.set("body", body);
    await next();
  });
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
