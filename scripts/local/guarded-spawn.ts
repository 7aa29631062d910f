import { spawn, type ChildProcess, type StdioOptions } from "node:child_process";
import type { Readable } from "node:stream";

/**
 * A program that cannot outlive this process: it runs under a small shell guard that signals it as soon as our
 * end of the guard's stdin pipe closes — on `stop()`, and also when this process dies in any way (a killed test or
 * benchmark run leaves no server behind).
 *
 * `$0 "$@"` is the program and its arguments. fd 3 keeps the guard's stdin (background jobs get /dev/null
 * otherwise); the watcher's `read` returns at EOF. The program's pid goes out on fd 4 (closed in the program, so
 * its end is the pid's); the shell exits with the program.
 */
const GUARD = 'exec 3<&0; "$0" "$@" </dev/null 4>&- & pid=$!; echo "$pid" >&4; exec 4>&-; (read _ <&3; kill -$SIG "$pid" 2>/dev/null) & wait "$pid"';

export interface Guarded {
  /** The guard shell: its exit is the program's. */
  child: ChildProcess;
  /** The program's own pid (for /proc: CPU, memory). */
  pid: Promise<number>;
  /** Signals the program (the guard's signal) and waits until it has exited. */
  stop(): Promise<void>;
}

export function spawnGuarded(program: string, args: string[], opts: { signal: "TERM" | "KILL"; stdout?: "pipe" | "inherit" | "ignore"; stderr?: "pipe" | "inherit" | "ignore"; cwd?: string; env?: NodeJS.ProcessEnv }): Guarded {
  const stdio: StdioOptions = ["pipe", opts.stdout ?? "pipe", opts.stderr ?? "pipe", "ignore", "pipe"];
  const child = spawn("sh", ["-c", GUARD, program, ...args], { stdio, cwd: opts.cwd, env: { ...(opts.env ?? process.env), SIG: opts.signal } });
  const pid = new Promise<number>((resolve, reject) => {
    let text = "";
    const out = child.stdio[4] as Readable;
    out.on("data", (d: Buffer) => (text += d.toString()));
    out.on("end", () => (/^\d+/.test(text) ? resolve(Number(text.trim())) : reject(new Error(`${program}: the guard did not report a pid`))));
  });
  pid.catch(() => {});
  return {
    child,
    pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.stdin?.end();
      await exited;
    },
  };
}
