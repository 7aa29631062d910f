import { createServer } from "node:net";

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it; the caller binds it next). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error("could not pick a free port"))));
    });
  });
}

/** `port` if nothing listens on it on 127.0.0.1 now, else a free one. */
export function preferredLoopbackPort(port: number): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once("error", () => resolve(freeLoopbackPort()));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(port)));
  });
}
