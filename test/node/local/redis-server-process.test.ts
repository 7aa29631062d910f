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
      expect(await ping(server.port)).toBe("refused");
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

  it("the server dies with the process that started it, even on SIGKILL", async () => {
    const code = `
      const { startRedisServer } = await import("./scripts/local/redis-server-process.ts");
      const s = await startRedisServer();
      console.log(s.port);
      setInterval(() => {}, 1000);
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const port = await new Promise<number>((resolve) => child.stdout.once("data", (c: Buffer) => resolve(Number(c.toString().trim()))));
    expect(await ping(port)).toBe("+PONG");
    child.kill("SIGKILL");
    const deadline = Date.now() + 3_000;
    let state = await ping(port);
    while (state !== "refused" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      state = await ping(port);
    }
    expect(state).toBe("refused");
  });
});

function ping(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (d) => {
      socket.destroy();
      resolve(d.toString().trim());
    });
    socket.once("error", () => resolve("refused"));
  });
}
