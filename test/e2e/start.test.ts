import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeDemo } from "./readme-demo";
import { freeLoopbackPort } from "../../scripts/local/free-port";
import { spawnGuarded, type Guarded } from "../../scripts/local/guarded-spawn";
import { runningFile, type RunningServer } from "../../scripts/start";

/**
 * `npm start`: the built Worker on workerd itself, with the local stack — it must build, serve the README's demo
 * request as written there (the README's own curl line, sent to the port this test gave it), report its processes,
 * and take workerd down with it.
 */
const ROOT = new URL("../..", import.meta.url).pathname;


let server: Guarded;
let output = "";
let port: number;
let origin: string;

beforeAll(async () => {
  port = await freeLoopbackPort();
  origin = `http://127.0.0.1:${port}`;
  server = spawnGuarded(process.execPath, ["--import", "tsx", "scripts/start.ts"], { signal: "TERM", cwd: ROOT, env: { ...process.env, PORT: String(port) } });
  for (const s of [server.child.stdout!, server.child.stderr!]) s.on("data", (d: Buffer) => (output += d.toString()));
  const deadline = Date.now() + 80_000;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`npm start exited (${server.child.exitCode}):\n${output}`);
    if (await fetch(`${origin}/health`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`npm start did not answer within 80 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}, 90_000);

afterAll(async () => {
  await server?.stop();
});

describe("npm start", () => {
  it("answers the README's demo request with a decision from real behavioural state", async () => {
    const demo = readmeDemo();
    const body = JSON.parse(demo.body) as Record<string, unknown>;
    // A fresh id, so the answer is a new decision rather than a replay of another test's.
    body.transaction_id = `txn_start_${Date.now().toString(36)}`;
    const res = await fetch(demo.url.replace("http://127.0.0.1:8787", origin), { method: "POST", headers: demo.headers, body: JSON.stringify(body) });
    const answer = await res.json<{ decision: string; degraded: string[]; reasons: { impact: number }[] }>();
    expect(res.status, JSON.stringify(answer)).toBe(200);
    expect(["approve", "review", "decline"]).toContain(answer.decision);
    expect(answer.degraded).toEqual([]);
    expect(answer.reasons.length).toBeGreaterThan(0);
  });

  it("says which process serves what, and its workerd goes down with it", async () => {
    const state = JSON.parse(readFileSync(runningFile(port), "utf8")) as RunningServer;
    expect(state.url).toBe(origin);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(state.workerdPid)).toBe(true);
    await server.stop();
    const deadline = Date.now() + 10_000;
    while (alive(state.workerdPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(state.workerdPid)).toBe(false);
    expect(await fetch(`${origin}/health`).then(() => "answered", () => "down")).toBe("down");
  });
});
