import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freeLoopbackPort } from "../local/free-port";
import { spawnGuarded } from "../local/guarded-spawn";
import { runningFile, type RunningServer } from "../start";

const ROOT = new URL("../..", import.meta.url).pathname;

/**
 * `npm start` (with the bench key) on a free port, as the benchmarks run it: tsx as a loader in one node process,
 * guarded, so if the benchmark dies the server (and its workerd) go with it.
 */
export interface Served {
  url: string;
  port: number;
  /** Resolves once it reports its processes and `/health` answers 200; rejects with its output if it exits. */
  ready(timeoutMs?: number): Promise<RunningServer>;
  state(): RunningServer;
  stop(): Promise<void>;
}

export interface ServeOptions {
  build?: boolean;
  memory?: boolean;
  /** Extra environment for start.ts (e.g. WORKERD_INSPECTOR). */
  env?: Record<string, string>;
}

export async function startServed(opts: ServeOptions = {}): Promise<Served> {
  const port = await freeLoopbackPort();
  const args = ["--import", "tsx", join(ROOT, "scripts/start.ts"), "--bench", ...(opts.build ? [] : ["--no-build"]), ...(opts.memory ? ["--memory"] : [])];
  const server = spawnGuarded(process.execPath, args, { signal: "TERM", cwd: ROOT, env: { ...process.env, ...opts.env, PORT: String(port) } });
  let output = "";
  for (const s of [server.child.stdout!, server.child.stderr!]) s.on("data", (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const state = () => JSON.parse(readFileSync(runningFile(port), "utf8")) as RunningServer;
  return {
    url,
    port,
    state,
    async ready(timeoutMs = 90_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (server.child.exitCode !== null) throw new Error(`npm start exited (${server.child.exitCode}):\n${output}`);
        if (existsSync(runningFile(port)) && (await fetch(`${url}/health`).then((r) => r.ok, () => false))) return state();
        if (Date.now() > deadline) {
          await server.stop();
          throw new Error(`npm start did not answer within ${timeoutMs / 1000} s:\n${output}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    stop: () => server.stop(),
  };
}

/** Resolves once `url` accepts a connection and answers anything (even an error). */
export async function answering(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await fetch(url).then(() => true, () => false)) return;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
