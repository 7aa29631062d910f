/**
 * Builds the Worker as `wrangler deploy` would (`--dry-run`) and prints the upload size, raw and gzipped — the
 * figure Cloudflare's script-size limit applies to (10 MB gzipped on paid plans, 3 MB on free).
 *   npx tsx scripts/bench/bundle-size.ts
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const out = ".tmp/bundle";
rmSync(out, { recursive: true, force: true });
execFileSync("npx", ["wrangler", "deploy", "--dry-run", "--env", "production", "--outdir", out], { stdio: ["ignore", "ignore", "inherit"] });

const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
const rows = files(out)
  .filter((f) => !f.endsWith(".map") && !f.endsWith("README.md"))
  .map((f) => {
    const bytes = readFileSync(f);
    return { file: f.slice(out.length + 1), raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  })
  .sort((a, b) => b.raw - a.raw);
const mb = (n: number) => (n / 1_000_000).toFixed(2);
console.log("| module | raw MB | gzip MB |\n| --- | ---: | ---: |");
for (const r of rows) console.log(`| ${r.file} | ${mb(r.raw)} | ${mb(r.gzip)} |`);
const raw = rows.reduce((s, r) => s + r.raw, 0);
const gz = rows.reduce((s, r) => s + r.gzip, 0);
console.log(`| **total** | **${mb(raw)}** | **${mb(gz)}** |`);
console.log(`paid plan limit 10 MB gzipped: ${gz <= 10_000_000 ? "fits" : "EXCEEDED"}; free plan limit 3 MB: ${gz <= 3_000_000 ? "fits" : "exceeded"}`);
