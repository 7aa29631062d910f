import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { redisServerDialect, ScriptTranslator } from "../../../scripts/local/lua-dialect";
import { toUpstashResult } from "../../../scripts/local/upstash-encoding";

const sha1 = (text: string) => createHash("sha1").update(text).digest("hex");

describe("Lua dialects", () => {
  it("redis-server: drops only Upstash-only shebang flags", () => {
    expect(redisServerDialect("#!lua flags=allow-key-locking\nreturn 1")).toBe("#!lua\nreturn 1");
    expect(redisServerDialect("#!lua flags=no-writes,allow-key-locking\nreturn 1")).toBe("#!lua flags=no-writes\nreturn 1");
    expect(redisServerDialect("#!lua flags=no-writes\nreturn 1")).toBe("#!lua flags=no-writes\nreturn 1");
    expect(redisServerDialect("return 1")).toBe("return 1");
  });

  it("ScriptTranslator maps the client's SHA1 to the backend's once it has seen the rewritten script", () => {
    const t = new ScriptTranslator(redisServerDialect);
    const script = "#!lua flags=allow-key-locking\nreturn 1";
    const rewritten = "#!lua\nreturn 1";
    // Not seen yet: EVALSHA passes through; Redis answers NOSCRIPT and the client falls back to EVAL.
    expect(t.translate(["EVALSHA", sha1(script), "0"]).command).toEqual(["EVALSHA", sha1(script), "0"]);
    const load = t.translate(["SCRIPT", "LOAD", script]);
    expect(load.command).toEqual(["SCRIPT", "LOAD", rewritten]);
    expect(load.reply(Buffer.from(sha1(rewritten)))).toBe(sha1(script));
    expect(t.translate(["evalsha", sha1(script), "0"]).command).toEqual(["evalsha", sha1(rewritten), "0"]);
    expect(t.translate(["SCRIPT", "EXISTS", sha1(script)]).command).toEqual(["SCRIPT", "EXISTS", sha1(rewritten)]);
    // Scripts Redis accepts as they are keep their SHA1 end to end.
    expect(t.translate(["EVAL", "return 2", "0"]).command).toEqual(["EVAL", "return 2", "0"]);
    expect(t.translate(["EVALSHA", sha1("return 2"), "0"]).command).toEqual(["EVALSHA", sha1("return 2"), "0"]);
  });
});

describe("Upstash result encoding", () => {
  it("base64: strings at every depth (a nested OK too), numbers and nil untouched, a top-level OK kept", () => {
    const reply = [Buffer.from("OK"), 3, null, [Buffer.from([0xff]), "ü"]];
    expect(toUpstashResult(reply, true)).toEqual(["T0s=", 3, null, ["/w==", "w7w="]]);
    expect(toUpstashResult(Buffer.from("OK"), true)).toBe("OK");
    expect(toUpstashResult(reply, false)).toEqual(["OK", 3, null, ["\ufffd", "ü"]]);
  });

  it("an error nested in a reply becomes its message", () => {
    expect(toUpstashResult([new Error("ERR boom")], false)).toEqual(["ERR boom"]);
  });
});
