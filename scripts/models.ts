/**
 * The model registry from the command line (docs/models.md), over the operator's API:
 *
 *   npm run models -- publish <dir> [--id fraud-gbdt]   the <id>.onnx, <id>.card.json, <id>.reference.json and
 *                                                       <id>.report.md that `npm run train -- --out <dir>` writes
 *   npm run models -- list
 *   npm run models -- routing                          live, challenger, shadows, pins, history, this node's models
 *   npm run models -- promote <v> | rollback
 *   npm run models -- challenger <v> --share 10% | challenger --clear
 *   npm run models -- shadow <v> | unshadow <v>
 *   npm run models -- pin --merchant m <v> | unpin --merchant m
 *
 * --url (or SCORER_URL; default http://127.0.0.1:8787, `npm run dev`) and ADMIN_TOKEN (or --token, which other
 * users of the machine can see in the process list; for a loopback URL the default is the token `npm run dev` sets). The gates run in the Worker, where the model will be served; a refusal prints each.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { isMain, runMain } from "./cli";
import { targetOf } from "./local-target";

export class ModelsCliError extends Error {}

export async function modelsCommand(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      url: { type: "string" },
      token: { type: "string" },
      id: { type: "string", default: "fraud-gbdt" },
      json: { type: "boolean", default: false },
      share: { type: "string" },
      clear: { type: "boolean", default: false },
      merchant: { type: "string" },
    },
  });
  // The dev token only for a scorer on this machine: it is public (it is in this repository).
  const target = targetOf(values.url, env);
  const base = target.base;
  const token = values.token ?? target.adminToken;
  if (token === undefined) throw new ModelsCliError(`set ADMIN_TOKEN for ${base} (the dev token is for a local scorer only)`);
  const call = async (method: string, path: string, body?: unknown) => {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { "content-type": "application/json" }) }, ...(body !== undefined && { body: JSON.stringify(body) }) });
    } catch (e) {
      throw new ModelsCliError(`cannot reach ${base} (${e instanceof Error ? e.message : String(e)}): is the scorer running (npm run dev)?`);
    }
    const parsed = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (!res.ok) {
      const errors = (parsed?.errors as { path: string; message: string }[] | undefined) ?? [];
      throw new ModelsCliError([`${res.status} ${String(parsed?.code ?? "")}: ${String(parsed?.detail ?? parsed?.title ?? "")}`, ...errors.map((e) => `  ${e.path}: ${e.message}`)].join("\n"));
    }
    return parsed!;
  };
  // The second word: a directory for publish, a version for the routing commands.
  const [command, dir] = positionals;
  switch (command) {
    case "publish": {
      if (!dir) throw new ModelsCliError("usage: models publish <dir> [--id fraud-gbdt]");
      const file = (suffix: string) => join(dir, `${values.id}${suffix}`);
      for (const s of [".onnx", ".card.json", ".reference.json"]) if (!existsSync(file(s))) throw new ModelsCliError(`${file(s)} is missing (npm run train -- --out ${dir} writes it)`);
      const card = JSON.parse(readFileSync(file(".card.json"), "utf8")) as { version: string };
      const report = existsSync(file(".report.md")) ? readFileSync(file(".report.md"), "utf8") : undefined;
      const out = await call("PUT", `/v1/admin/models/${encodeURIComponent(card.version)}`, {
        onnx_base64: readFileSync(file(".onnx")).toString("base64"),
        card,
        reference: JSON.parse(readFileSync(file(".reference.json"), "utf8")),
        ...(report !== undefined && { report }),
      });
      if (values.json) return JSON.stringify(out, null, 2);
      const { published, warnings, comparison } = out as { published: { version: string; onnx_bytes: number }; warnings: string[]; comparison: { metric: string; candidate: number; live: number }[] };
      return [
        `published ${published.version} (${published.onnx_bytes} bytes); it serves no traffic until routed to`,
        ...comparison.map((c) => `  ${c.metric.padEnd(24)} ${c.candidate.toFixed(4)}  (live ${c.live.toFixed(4)})`),
        ...warnings.map((w) => `  warning: ${w}`),
      ].join("\n");
    }
    case "list": {
      const out = (await call("GET", "/v1/admin/models")) as { models: { version: string; id: string; created: string; published: string; onnx_bytes: number }[] };
      if (values.json) return JSON.stringify(out, null, 2);
      return out.models.length === 0 ? "no published models (the bundled one serves)" : out.models.map((m) => `${m.version}  ${m.id}  trained ${m.created}  published ${m.published}  ${m.onnx_bytes} bytes`).join("\n");
    }
    case "routing": {
      const out = (await call("GET", "/v1/admin/models/routing")) as unknown as AdminRouting;
      return values.json ? JSON.stringify(out, null, 2) : describeRouting(out);
    }
    case "promote":
    case "shadow":
    case "unshadow":
      if (!dir) throw new ModelsCliError(`usage: models ${command} <version>`);
      return changed(await call("POST", "/v1/admin/models/routing", { action: command, version: dir }));
    case "rollback":
      return changed(await call("POST", "/v1/admin/models/routing", { action: "rollback" }));
    case "challenger": {
      if (values.clear) return changed(await call("POST", "/v1/admin/models/routing", { action: "clear_challenger" }));
      const share = Number((values.share ?? "").replace(/%$/, ""));
      if (!dir || !(share > 0)) throw new ModelsCliError("usage: models challenger <version> --share 10%  |  models challenger --clear");
      return changed(await call("POST", "/v1/admin/models/routing", { action: "challenger", version: dir, share }));
    }
    case "pin":
    case "unpin":
      if (!values.merchant || (command === "pin" && !dir)) throw new ModelsCliError("usage: models pin --merchant <id> <version>  |  models unpin --merchant <id>");
      return changed(await call("POST", "/v1/admin/models/routing", { action: command, merchant: values.merchant, ...(command === "pin" && { version: dir }) }));
    default:
      throw new ModelsCliError("commands: publish <dir> | list | routing | promote <v> | rollback | challenger <v> --share N% | challenger --clear | shadow <v> | unshadow <v> | pin --merchant m <v> | unpin --merchant m");
  }

  function changed(out: Record<string, unknown>): string {
    if (values.json) return JSON.stringify(out, null, 2);
    const { stamp, routing } = out as unknown as Pick<AdminRouting, "stamp" | "routing">;
    return [`routing changed (stamp ${stamp}); every edge node follows on its next score`, describeRouting({ stamp, routing })].join("\n");
  }
}

interface AdminRouting {
  stamp: number;
  bundled?: string;
  routing: {
    live: string;
    challenger: { version: string; share: number } | null;
    shadows: string[];
    pins: Record<string, string>;
    previous: string[];
    history: { at: string; change: string; live: string }[];
  };
  this_node?: { version: string; state: string; loaded_at?: string; error?: string }[];
}

function describeRouting(s: AdminRouting): string {
  const r = s.routing;
  const pins = Object.entries(r.pins);
  return [
    `live        ${r.live}${s.bundled === r.live ? " (bundled)" : ""}`,
    `challenger  ${r.challenger ? `${r.challenger.version} for ${r.challenger.share}% of shoppers` : "none"}`,
    `shadows     ${r.shadows.length > 0 ? r.shadows.join(", ") : "none"}`,
    `pins        ${pins.length > 0 ? pins.map(([m, v]) => `${m} → ${v}`).join(", ") : "none"}`,
    `rollback to ${r.previous.at(-1) ?? "nothing (no earlier live version)"}`,
    ...(r.history.length > 0 ? ["history (newest first):", ...r.history.slice(0, 10).map((h) => `  ${h.at}  ${h.change.padEnd(40)} live ${h.live}`)] : []),
    ...(s.this_node ? ["this edge node holds:", ...s.this_node.map((m) => `  ${m.version.padEnd(32)} ${m.state}${m.error ? ` (${m.error})` : ""}`)] : []),
  ].join("\n");
}

if (isMain(import.meta.url)) runMain(async () => console.log(await modelsCommand(process.argv.slice(2))), (e) => (e instanceof ModelsCliError ? e.message : e));
