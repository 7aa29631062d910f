/**
 * Memory per loaded model (issue 13: a cap on sessions per isolate needs the figure). Loads the bundled model's
 * ONNX Runtime Web session (the same WASM build the Worker runs, here in Node) N times, keeping each, and prints
 * what the process's RSS grew by per session, what releasing them gives back (ORT's one WebAssembly.Memory only
 * grows), whether freed memory is reused by the next sessions, and the size of the trees the reasons read.
 *   npx tsx scripts/bench/model-memory.ts [--sessions 10]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-web/wasm";
import { FEATURE_COUNT } from "../../src/features";
import { readTreeEnsemble } from "../../src/model/trees";
import { runMain } from "../cli";

const { values } = parseArgs({ options: { sessions: { type: "string", default: "10" } } });
const N = Number(values.sessions);
const MiB = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

async function main(): Promise<void> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = new URL("../../node_modules/onnxruntime-web/dist/", import.meta.url).pathname;
  const bytes = readFileSync(new URL("../../models/fraud-gbdt.onnx", import.meta.url));
  const row = new Float32Array(FEATURE_COUNT);
  const first = await ort.InferenceSession.create(bytes);
  await first.run({ X: new ort.Tensor("float32", row, [1, FEATURE_COUNT]) });
  global.gc?.();
  const base = process.memoryUsage();
  const sessions = [first];
  for (let i = 1; i <= N; i++) {
    const s = await ort.InferenceSession.create(bytes);
    await s.run({ X: new ort.Tensor("float32", row, [1, FEATURE_COUNT]) });
    sessions.push(s);
  }
  global.gc?.();
  const loaded = process.memoryUsage();
  for (const s of sessions.slice(1)) await s.release();
  global.gc?.();
  const released = process.memoryUsage();
  // Loading as many again after the release: if freed WASM memory is reused, RSS barely grows.
  const again = [];
  for (let i = 1; i <= N; i++) again.push(await ort.InferenceSession.create(bytes));
  global.gc?.();
  const reloaded = process.memoryUsage();
  for (const s of again) await s.release();
  const trees = readTreeEnsemble(bytes, FEATURE_COUNT);
  const treeBytes = trees.trees.reduce((n, t) => n + t.feature.byteLength + t.threshold.byteLength + t.mode.byteLength + t.yes.byteLength + t.no.byteLength + t.missingYes.byteLength + t.value.byteLength, 0);
  console.log(`model-memory: the bundled model (${MiB(bytes.byteLength)} of ONNX, ${trees.trees.length} trees), ${N} more sessions kept, then released`);
  console.log(`  per session kept: RSS +${MiB((loaded.rss - base.rss) / N)}`);
  console.log(`  after releasing them: RSS still +${MiB(released.rss - base.rss)} (ORT's WebAssembly.Memory never shrinks)`);
  console.log(`  ${N} sessions loaded again after the release: RSS +${MiB(reloaded.rss - released.rss)} more (what the freed memory did not cover)`);
  console.log(`  the trees the reasons read: ${MiB(treeBytes)} of typed arrays per model (the attribution's tables about as much again)`);
}

runMain(main, (e) => `model-memory: ${e instanceof Error ? e.message : String(e)}`);
