import { readFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("../..", import.meta.url).pathname;

/** The README's demo request (`curl -s http://127.0.0.1:8787/v1/score …`), parsed from the README itself. */
export function readmeDemo(): { url: string; headers: Record<string, string>; body: string } {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const curl = /curl -s (http:\/\/127\.0\.0\.1:8787\/v1\/score)((?:\s*\\\n\s*-H '[^']+')+)\s*\\\n\s*-d '([^']+)'/.exec(readme);
  if (!curl) throw new Error("README.md: the demo `curl … /v1/score` request was not found");
  const headers = Object.fromEntries([...curl[2]!.matchAll(/-H '([^:]+):\s*([^']+)'/g)].map((m) => [m[1]!.toLowerCase(), m[2]!]));
  return { url: curl[1]!, headers, body: curl[3]! };
}
