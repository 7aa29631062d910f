import { spawn } from "node:child_process";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startRedisServer } from "../../../scripts/local/redis-server-process";

const ROOT = new URL("../../..", import.meta.url).pathname;

describe("startRedisServer", () => {
  it("stop() kills the server, restart() brings it back empty on the same port", async () => {
    const server = await startRedisServer();
    try {
      expect(await ping(server.port)).toBe("+PONG");
      await server.stop();
      expect(await ping(server.port)).toBe("gone");
      await server.restart();
      expect(await ping(server.port)).toBe("+PONG");
    } finally {
      await server.stop();
    }
  });

  it("a fixed port that is taken fails fast with redis-server's own message", async () => {
    const first = await startRedisServer();
    try {
      await expect(startRedisServer({ port: first.port })).rejects.toThrow(/exited with code|Address already in use/);
    } finally {
      await first.stop();
    }
  });

  // Spawns node + tsx while the rest of the suite loads both cores, so the waits are generous and every one of them
  // is bounded: a child that dies before printing its port fails the test with its stderr, never a hang.
  it("the server dies with the process that started it, even on SIGKILL", { timeout: 90_000 }, async () => {
    const code = `
      const { startRedisServer } = await import("./scripts/local/redis-server-process.ts");
      const s = await startRedisServer({ startTimeoutMs: 30_000 });
      console.log(s.port);
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    try {
      const port = await portLine(child, 60_000);
      expect(await ping(port)).toBe("+PONG");
      child.kill("SIGKILL");
      const deadline = Date.now() + 15_000;
      let state = await ping(port);
      while (state !== "gone" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        state = await ping(port);
      }
      expect(state).toBe("gone");
    } finally {
      child.kill("SIGKILL");
    }
  });
});

/** The first stdout line of the child, as a port; rejects with the child's stderr if it exits or stays silent. */
function portLine(child: ReturnType<typeof spawn>, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no port after ${timeoutMs} ms; stderr:\n${stderr}`)), timeoutMs);
    child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    child.stdout?.on("data", (c: Buffer) => {
      stdout += c.toString();
      const line = stdout.split("\n")[0]!;
      if (stdout.includes("\n")) {
        clearTimeout(timer);
        const port = Number(line.trim());
        if (Number.isInteger(port) && port > 0) resolve(port);
        else reject(new Error(`expected a port, got ${JSON.stringify(line)}; stderr:\n${stderr}`));
      }
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`child exited (${code ?? signal}) before printing a port; stderr:\n${stderr}`));
    });
  });
}

/**
 * One PING. "gone" when nothing listens or the connection closes without a reply — a server SIGKILLed after reading
 * the PING closes the socket without answering, which is as dead as a refused connection.
 */
function ping(port: number, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const done = (state: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(state);
    };
    const timer = setTimeout(() => done("no reply"), timeoutMs);
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => done(d.toString().trim()));
    socket.once("error", () => done("gone"));
    socket.once("close", () => done("gone"));
  });
}
