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
 * it. The child is killed when this process exits, so a crashed test run leaves no server behind.
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  const port = options.port ?? (await freeLoopbackPort());
  const startTimeoutMs = options.startTimeoutMs ?? 5_000;
  const dir = mkdtempSync(join(tmpdir(), "local-redis-"));
  let child: ChildProcess | undefined = await spawnReady(port, dir, startTimeoutMs);

  process.once("exit", () => {
    child?.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

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

  async function kill(c: ChildProcess): Promise<void> {
    if (c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    c.kill("SIGKILL");
    await exited;
  }
}

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
  const child = spawn(BINARY, args, { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(READY_LINE)) {
        clearTimeout(timer);
        // Keep draining so a chatty server never blocks on a full pipe.
        child.stdout?.removeListener("data", onData);
        child.stdout?.resume();
        child.stderr?.resume();
        resolve(child);
      }
    };
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(error);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`redis-server exited with code ${code} before it was ready:\n${output}`)));
  });
}
