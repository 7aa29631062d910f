import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnGuarded } from "../../scripts/local/guarded-spawn";
import { generateStream } from "../../scripts/data/stream";
import { parseCsvLine, scoreFile } from "../../scripts/score-file";
import { REPLAY_KEY, seedKeys } from "../../scripts/seed-demo";
import { startE2E, type E2E } from "./harness";

/**
 * `npm run score-file` against the Worker and the local stack: every input row gets one output row in input order
 * (an invalid row, a card number, a line that is not JSON become error rows with the problem's code and field),
 * and a run killed mid-file and started again finishes the file with nothing lost or counted twice.
 */
const ROOT = new URL("../..", import.meta.url).pathname;
let e2e: E2E;
let dir: string;
const run = Date.now().toString(36);

beforeAll(async () => {
  e2e = await startE2E();
  await seedKeys(e2e.stack.env, [REPLAY_KEY]);
  dir = mkdtempSync(join(tmpdir(), "score-file-"));
}, 120_000);

afterAll(async () => {
  await e2e?.stop();
});

/** `n` generated transactions as JSON lines, fresh ids; every 100th on one shared card. */
function jsonl(n: number, tag: string, edit: (tx: Record<string, unknown>, i: number) => string | undefined = () => undefined): { path: string; ids: string[] } {
  const ids: string[] = [];
  const lines: string[] = [];
  let i = 0;
  for (const r of generateStream({ seed: 11, rows: n })) {
    const tx = structuredClone(r.tx) as Record<string, unknown>;
    tx.transaction_id = `txn_sf_${tag}_${run}_${i}`;
    if (i % 100 === 0) tx.card = { fingerprint: `card_fp_sf_${tag}_${run}`, country: "US" };
    ids.push(tx.transaction_id as string);
    lines.push(edit(tx, i) ?? JSON.stringify(tx));
    i++;
  }
  const path = join(dir, `${tag}.jsonl`);
  writeFileSync(path, `${lines.join("\n")}\n`);
  return { path, ids };
}

const rows = (path: string) => readFileSync(path, "utf8").trim().split("\n").slice(1).map(parseCsvLine);

async function cardCount(card: string): Promise<number> {
  const res = await fetch(`${e2e.api}/v1/entities/card/${card}`, { headers: { authorization: `Bearer ${REPLAY_KEY.key}` } });
  return ((await res.json()) as { windows: { "7d": { count: number } } }).windows["7d"].count;
}

describe("npm run score-file", () => {
  it("answers every row in input order, the refused ones as error rows naming the field", async () => {
    const input = jsonl(250, "order", (tx, i) => {
      if (i === 7) return JSON.stringify({ ...tx, amount: -5 });
      if (i === 20) return JSON.stringify({ ...tx, device: { id: "4242 4242 4242 4242" } });
      if (i === 30) return "{ not json";
      return undefined;
    });
    const out = join(dir, "order.csv");
    const report = await scoreFile({ input: input.path, output: out, batch: 40, concurrency: 3, base: e2e.api, apiKey: REPLAY_KEY.key, keepCreatedAt: false, keyMerchant: true, restart: true, log: () => {} });
    const got = rows(out);
    expect(got).toHaveLength(250);
    expect(report).toMatchObject({ rows: 250, scored: 247, errors: 3 });
    expect(got.map((r) => r[0])).toEqual(input.ids.map((id, i) => (i === 30 ? "" : id)));
    expect(got[7]!.slice(1, 2).concat(got[7]![7]!, got[7]![8]!)).toEqual(["error", "validation_failed", "amount"]);
    expect(got[20]![7]).toBe("pan_detected");
    expect(got[30]![7]).toBe("json_unreadable");
    for (const r of got.filter((_, i) => ![7, 20, 30].includes(i))) {
      expect(r[1]).toBe("scored");
      expect(Number(r[2])).toBeGreaterThanOrEqual(0);
      expect(["approve", "review", "decline"]).toContain(r[3]);
    }
  });

  it("killed mid-file and run again, finishes it with every row once and nothing counted twice", async () => {
    const input = jsonl(1000, "resume");
    const out = join(dir, "resume.csv");
    const cli = spawnGuarded(process.execPath, ["--import", "tsx", "scripts/score-file.ts", input.path, "--out", out, "--batch", "50", "--concurrency", "1", "--key-merchant", "--target", e2e.api], {
      signal: "KILL",
      cwd: ROOT,
      env: { ...process.env, SCORER_API_KEY: REPLAY_KEY.key },
    });
    const checkpoint = `${out}.checkpoint`;
    const checkpointed = () => Number(readFileSync(checkpoint, "utf8").split(" ")[0]);
    const deadline = Date.now() + 60_000;
    while (!(existsSync(checkpoint) && checkpointed() >= 150)) {
      if (Date.now() > deadline || cli.child.exitCode !== null) throw new Error("the first run never got 150 rows in");
      await new Promise((r) => setTimeout(r, 20));
    }
    await cli.stop();
    const cut = checkpointed();
    expect(cut).toBeLessThan(1000);

    const report = await scoreFile({ input: input.path, output: out, batch: 50, concurrency: 4, base: e2e.api, apiKey: REPLAY_KEY.key, keepCreatedAt: false, keyMerchant: true, restart: false, log: () => {} });
    expect(report.skipped).toBe(cut);
    const got = rows(out);
    expect(got.map((r) => r[0])).toEqual(input.ids);
    expect(got.every((r) => r[1] === "scored")).toBe(true);
    // The shared card's ten rows were each recorded once, whichever run (or both) sent them.
    expect(await cardCount(`card_fp_sf_resume_${run}`)).toBe(10);
  }, 120_000);
});
