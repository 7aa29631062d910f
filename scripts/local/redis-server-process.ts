import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freeLoopbackPort } from "./free-port";

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
  let child: ChildProcess | undefined = await spawnReady(port, dir, startTimeoutMs);

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
async function kill(guard: ChildProcess): Promise<void> {
  if (guard.exitCode !== null || guard.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => guard.once("exit", () => resolve()));
  guard.stdin?.end();
  await exited;
}

/**
 * `$@` is redis-server's arguments. fd 3 keeps the guard's stdin (background jobs get /dev/null otherwise); the
 * watcher's `read` returns at EOF, i.e. when the parent closed the pipe or died. The shell exits with the server.
 */
const GUARD = 'exec 3<&0; redis-server "$@" </dev/null & pid=$!; (read _ <&3; kill -9 "$pid" 2>/dev/null) & wait "$pid"';

function spawnReady(port: number, dir: string, timeoutMs: number): Promise<ChildProcess> {
  const args = [
    "--port", String(port),
    "--bind", "127.0.0.1",
    "--save", "",
    "--appendonly", "no",
    "--dir", dir,
    "--daemonize", "no",
    "--loglevel", "notice",
  ];
  const child = spawn("sh", ["-c", GUARD, "redis-server-guard", ...args], { stdio: ["pipe", "pipe", "pipe"] });
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
        resolve(child);
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
