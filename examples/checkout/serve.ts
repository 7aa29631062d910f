/**
 * Serves the example checkout page (index.html + fraud-check.js) on its own origin, as a merchant's site would be:
 * a different origin from the scorer, so the browser applies CORS exactly as in production.
 *   npx tsx examples/checkout/serve.ts [--port 8788]     then open http://127.0.0.1:8788
 * Port 8788 on 127.0.0.1 and localhost is among the demo publishable key's allowed origins (scripts/seed-demo.ts).
 */
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { isMain } from "../../scripts/cli";
import { parseArgs } from "node:util";

export const CHECKOUT_PORT = 8788;

const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/fraud-check.js": { file: "fraud-check.js", type: "text/javascript; charset=utf-8" },
};

export interface CheckoutServer {
  readonly port: number;
  close(): Promise<void>;
}

export async function startCheckoutServer(port = CHECKOUT_PORT, host = "127.0.0.1"): Promise<CheckoutServer> {
  const server: Server = createServer((req, res) => {
    const entry = FILES[new URL(req.url ?? "/", "http://x").pathname];
    if (!entry || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    readFile(new URL(entry.file, import.meta.url)).then(
      (body) => res.writeHead(200, { "content-type": entry.type, "cache-control": "no-store" }).end(body),
      (e: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(String(e)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({ options: { port: { type: "string", default: String(CHECKOUT_PORT) } } });
  startCheckoutServer(Number(values.port)).then(
    (s) => console.log(`example checkout on http://127.0.0.1:${s.port} (scorer expected on http://127.0.0.1:8787; Ctrl-C to stop)`),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
