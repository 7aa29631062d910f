import { unstable_startWorker } from "wrangler";

/** A Worker from this repo's wrangler.toml (optionally another entry point), on a free local port, quietly. */
export async function startWorker(opts: { entrypoint?: string; vars?: Record<string, string>; persist?: string | false } = {}) {
  const bindings = Object.fromEntries(
    Object.entries(opts.vars ?? {}).map(([k, v]) => [k, { type: "plain_text" as const, value: v }]),
  );
  const worker = await unstable_startWorker({
    config: "wrangler.toml",
    ...(opts.entrypoint && { entrypoint: opts.entrypoint }),
    bindings,
    envFiles: [],
    dev: { server: { hostname: "127.0.0.1", port: 0 }, inspector: false, watch: false, logLevel: "warn", ...(opts.persist !== undefined && { persist: opts.persist }) },
  });
  await worker.ready;
  return worker;
}

export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

export const fmt = (x: number, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : "n/a");
