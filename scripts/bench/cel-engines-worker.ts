/**
 * Benchmark entry point (not deployed): the two CEL implementations the policy could use, inside workerd.
 * GET /?engine=marcbachmann|bufbuild&phase=compile|eval&n=K runs K compilations or evaluations of the same
 * fraud rule and answers a checksum; scripts/bench/cel-engines.ts times the requests at the client (workerd's
 * own clock does not advance while a request computes) and subtracts a K=0 request.
 */
import { CelScalar, celEnv, mapType, parse, plan } from "@bufbuild/cel";
import { Environment } from "@marcbachmann/cel-js";

const RULE = 'tx.amount_usd > 1000.0 && features.card_count_1h >= 3.0 && tx.card_country != network.country && !(tx.email_domain in ["gmail.com", "outlook.com"])';
const CONTEXT = { tx: { amount_usd: 1500.5, card_country: "US", email_domain: "mailinator.com" }, features: { card_count_1h: 4 }, network: { country: "NG" } };

const mb = new Environment({ limits: { maxAstNodes: 500 } })
  .registerVariable({ name: "tx", schema: { amount_usd: "double", card_country: "string", email_domain: "string" } })
  .registerVariable({ name: "features", schema: { card_count_1h: "double" } })
  .registerVariable({ name: "network", schema: { country: "string" } });
const dyn = mapType(CelScalar.STRING, CelScalar.DYN);
const bb = celEnv({ variables: { tx: dyn, features: dyn, network: dyn } });
const bbContext = Object.fromEntries(Object.entries(CONTEXT).map(([k, v]) => [k, new Map(Object.entries(v))])) as never;

const engines = {
  marcbachmann: {
    // A fresh environment clone per compile: the library caches nothing across clones, so this is a real compile.
    compile: (i: number) => mb.parse(`${RULE} && ${i} >= 0`).check().valid,
    run: (() => {
      const compiled = mb.parse(RULE);
      return () => compiled(CONTEXT) === true;
    })(),
  },
  bufbuild: {
    compile: (i: number) => typeof plan(bb, parse(`${RULE} && ${i} >= 0`)) === "function",
    run: (() => {
      const compiled = plan(bb, parse(RULE));
      return () => compiled(bbContext) === true;
    })(),
  },
};

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const engine = engines[(url.searchParams.get("engine") ?? "marcbachmann") as keyof typeof engines];
    if (!engine) return new Response("unknown engine", { status: 400 });
    const n = Number(url.searchParams.get("n") ?? 0);
    const compile = url.searchParams.get("phase") === "compile";
    let ok = 0;
    for (let i = 0; i < n; i++) if (compile ? engine.compile(i) : engine.run()) ok++;
    return Response.json({ n, ok });
  },
};
