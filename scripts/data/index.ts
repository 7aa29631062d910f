import { parseArgs } from "node:util";
import { CSV_HEADER, toCsvLine, toJsonLine } from "./format";
import { Progress } from "./progress";
import { generateStream } from "./stream";
import { HashingWriter } from "./write";

/**
 * Writes a synthetic labelled payment stream: `npm run generate -- --rows 1000000 --seed 42 --format jsonl`.
 * Prints the file's SHA-256 (the fingerprint a model card records) and the label mix.
 */
const { values } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    seed: { type: "string", default: "42" },
    days: { type: "string" },
    format: { type: "string", default: "jsonl" },
    out: { type: "string" },
  },
});

const rows = Number(values.rows);
const seed = Number(values.seed);
const format = values.format;
if (!Number.isInteger(rows) || rows <= 0 || !Number.isInteger(seed) || (format !== "jsonl" && format !== "csv")) {
  console.error("usage: generate [--rows N] [--seed S] [--days D] [--format jsonl|csv] [--out path]");
  process.exit(2);
}
const out = values.out ?? `data/stream-${seed}-${rows}.${format}`;
const writer = new HashingWriter(out);
const serialise = format === "csv" ? toCsvLine : toJsonLine;
if (format === "csv") await writer.write(CSV_HEADER);

const progress = new Progress("generate", rows);
const labels = new Map<string, number>();
let fraud = 0;
for (const r of generateStream({ seed, rows, ...(values.days ? { days: Number(values.days) } : {}) })) {
  await writer.write(serialise(r));
  fraud += r.label;
  const key = `${r.typology}/${r.label}`;
  labels.set(key, (labels.get(key) ?? 0) + 1);
  progress.tick();
}
const sha = await writer.close();
const seconds = progress.finish();
console.log(`wrote ${rows.toLocaleString("en-US")} rows to ${out} in ${seconds.toFixed(1)}s`);
console.log(`sha256 ${sha}`);
console.log(`fraud rate ${((100 * fraud) / rows).toFixed(3)}%`);
for (const [k, n] of [...labels].sort()) console.log(`  ${k.padEnd(24)} ${n}`);
