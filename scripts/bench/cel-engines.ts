/**
 * The CEL implementations measured inside workerd (issue 12 asked for both): @marcbachmann/cel-js (what the
 * policy uses) and @bufbuild/cel. Per engine: µs per compile (parse + type check / plan) and per evaluation of
 * a typical fraud rule, from the wall time of requests that run K of them, less a request that runs none.
 *   npx tsx scripts/bench/cel-engines.ts [--evals 200000] [--compiles 5000] [--runs 3]
 */
import { parseArgs } from "node:util";
import { fmt, startWorker } from "./start-worker";

const { values } = parseArgs({ options: { evals: { type: "string", default: "200000" }, compiles: { type: "string", default: "5000" }, runs: { type: "string", default: "3" } } });

async function main() {
  const worker = await startWorker({ entrypoint: "scripts/bench/cel-engines-worker.ts" });
  try {
    const timed = async (query: string) => {
      const t0 = performance.now();
      const res = await worker.fetch(`http://bench/?${query}`);
      const body = (await res.json()) as { n: number; ok: number };
      if (body.ok !== body.n) throw new Error(`${query}: ${body.ok} of ${body.n} came out true`);
      return performance.now() - t0;
    };
    console.log(`cel-engines: ${values.runs} runs each; figures are the best run (the machine is shared)`);
    console.log("| engine | compile µs | eval µs |");
    console.log("| --- | ---: | ---: |");
    for (const engine of ["marcbachmann", "bufbuild"]) {
      const best = async (phase: string, n: number) => {
        await timed(`engine=${engine}&phase=${phase}&n=${Math.ceil(n / 10)}`); // warm the JIT
        let min = Infinity;
        for (let r = 0; r < Number(values.runs); r++) {
          const base = await timed(`engine=${engine}&phase=${phase}&n=0`);
          min = Math.min(min, (await timed(`engine=${engine}&phase=${phase}&n=${n}`)) - base);
        }
        return (1000 * min) / n;
      };
      const compile = await best("compile", Number(values.compiles));
      const run = await best("eval", Number(values.evals));
      console.log(`| ${engine} | ${fmt(compile, 2)} | ${fmt(run, 3)} |`);
    }
  } finally {
    await worker.dispose();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
