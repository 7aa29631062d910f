import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeLoopbackPort } from "./free-port";
import { spawnGuarded, type Guarded } from "./guarded-spawn";

export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL: tests use this to simulate a crash) and waits until it has exited. */
  stop(): Promise<void>;
  /** Starts it again, empty, on the same port. */
  restart(): Promise<void>;
}

export interface StartRedisServerOptions {
  /** Fixed port; a free loopback port when omitted. */
  port?: number;
  /** How long to wait for "Ready to accept connections". */
  startTimeoutMs?: number;
}

const BINARY = "redis-server";
const READY_LINE = "Ready to accept connections";

/** Whether a `redis-server` binary is on PATH (the Debian package `redis-server` provides it). */
export function hasRedisServerBinary(): boolean {
  const probe = spawnSync(BINARY, ["--version"], { stdio: "ignore" });
  return probe.error === undefined && probe.status === 0;
}

/**
 * Spawns a throw-away `redis-server` on loopback: no RDB snapshots, no AOF, its own temp dir, so nothing outlives
 * it — not even this process: the server runs under a small shell guard that SIGKILLs it as soon as our end of
 * its stdin pipe closes, which happens on stop() and also when this process dies in any way (a crashed or killed
 * test run leaves no server behind).
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  const port = options.port ?? (await freeLoopbackPort());
  const startTimeoutMs = options.startTimeoutMs ?? 5_000;
  const dir = mkdtempSync(join(tmpdir(), "local-redis-"));
  let child: Guarded | undefined = await spawnReady(port, dir, startTimeoutMs);

  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child) await kill(child);
      child = undefined;
    },
    async restart() {
      if (child) await kill(child);
      child = await spawnReady(port, dir, startTimeoutMs);
    },
  };
}

/** SIGKILLs the server (a crash, as far as clients can tell) through its guard and waits until it is gone. */
const kill = (server: Guarded) => server.stop();

function spawnReady(port: number, dir: string, timeoutMs: number): Promise<Guarded> {
  const args = [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--save", "",
    "--appendonly", "no",
    "--dir", dir,
    "--daemonize", "no",
    "--loglevel", "notice",
  ];
  const guarded = spawnGuarded("redis-server", args, { signal: "KILL" });
  const { child } = guarded;
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY_LINE)) {
        clearTimeout(timer);
        // Keep draining so a chatty server never blocks on a full pipe.
        child.stdout?.removeListener("data", onData);
        child.stderr?.removeListener("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(guarded);
      }
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.stdin?.end();
      reject(error);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`)));
  });
}
