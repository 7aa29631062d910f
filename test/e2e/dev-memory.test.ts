import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeDemo } from "./readme-demo";
import { freeLoopbackPort } from "../../scripts/local/free-port";

/**
 * `npm run dev` on a machine without redis-server (this PATH, less the redis-* programs): it must start the Worker on its
 * memory backends and answer the README's demo request exactly as written there — the README's own curl line,
 * parsed, sent to the port this test gave the dev server.
 */
const ROOT = new URL("../..", import.meta.url).pathname;


/** One directory holding every program of this PATH but redis-server (and the other redis-* tools). */
function pathWithoutRedis(): string {
  const bin = mkdtempSync(join(tmpdir(), "dev-no-redis-"));
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (name.startsWith("redis-")) continue;
      try {
        symlinkSync(join(dir, name), join(bin, name));
      } catch {
        // Taken by an earlier PATH entry, which wins, as it would in a shell.
      }
    }
  }
  return bin;
}

let dev: ChildProcess;
let output = "";
let origin: string;
let bin: string;

beforeAll(async () => {
  bin = pathWithoutRedis();
  const port = await freeLoopbackPort();
  origin = `http://127.0.0.1:${port}`;
  dev = spawn(process.execPath, [join(ROOT, "node_modules/tsx/dist/cli.mjs"), "scripts/dev.ts"], {
    cwd: ROOT,
    env: { ...process.env, PATH: bin, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const s of [dev.stdout!, dev.stderr!]) s.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 80_000;
  for (;;) {
    if (dev.exitCode !== null) throw new Error(`npm run dev exited (${dev.exitCode}):\n${output}`);
    const up = await fetch(`${origin}/health`).then((r) => r.ok, () => false);
    if (up) break;
    if (Date.now() > deadline) throw new Error(`npm run dev did not answer within 80 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}, 90_000);

afterAll(async () => {
  if (bin) rmSync(bin, { recursive: true, force: true });
  if (!dev || dev.exitCode !== null) return;
  const exited = new Promise((r) => dev.once("exit", r));
  dev.kill("SIGINT");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (dev.exitCode === null) dev.kill("SIGKILL");
});

describe("npm run dev without redis-server", () => {
  it("says it runs on the memory backends", () => {
    expect(output).toContain("redis-server not found on PATH");
    expect(output).toContain("BACKENDS=memory");
  });

  it("answers the README's demo request with a decision, from real behavioural state (not degraded)", async () => {
    const demo = readmeDemo();
    const send = () => fetch(demo.url.replace("http://127.0.0.1:8787", origin), { method: "POST", headers: demo.headers, body: demo.body });
    const res = await send();
    const body = await res.json<{ decision: string; degraded: string[]; reasons: unknown[] }>();
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(["approve", "review", "decline"]).toContain(body.decision);
    expect(body.degraded).toEqual([]);
    // The memory store keeps the answer: the same request again is a replay.
    const again = await send();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
  });
});
