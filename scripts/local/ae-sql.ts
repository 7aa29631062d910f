import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { exitOnSignal, isMain, runMain } from "../cli";
import { parseArgs } from "node:util";
import { SqlError } from "./ae-sql-parser";
import { runSql, type StoredPoint } from "./ae-sql-engine";
import cardJson from "../../models/fraud-gbdt.card.json";
import { ModelCardSchema } from "../../src/model/card";
import { demoPoints } from "./ae-sql-demo";
import { closeServer, fromLoopback, listenLoopback, parseJson, readBody, safeEqual, sendJson } from "./http-util";

/**
 * A local stand-in for the Workers Analytics Engine SQL API. AE has no local equivalent: miniflare's
 * `writeDataPoint` drops points and there is no SQL endpoint. This server keeps data points in memory and
 * answers `POST …/analytics_engine/sql` (raw SQL body, `Authorization: Bearer <token>`) in the API's documented
 * FORMAT JSON shape, evaluating the dialect subset in ae-sql-parser.ts — enough for the exporter's queries and
 * the dashboard's, not a ClickHouse.
 *
 * Points get in through the loopback-only control routes (AE's write path is the Workers binding, which this
 * cannot be): POST /__points [{dataset?, timestamp?, sample_interval?, indexes, blobs, doubles}] (writeDataPoint's
 * shape; timestamp in ms, default now), POST /__reset, GET /__stats, POST /__fault {"down": bool} (every query 503).
 *
 *   npx tsx scripts/local/ae-sql.ts [--port 8077] [--token local-ae-token] [--demo <points>]
 * (--demo: that many synthetic decisions over the last hour, from ae-sql-demo.ts.)
 */
export interface AeSqlStats {
  queries: number;
  failed: number;
  points: number;
  down: boolean;
}

export interface AeSqlHandle {
  /** `http://127.0.0.1:<port>/client/v4/accounts/local/analytics_engine/sql`: the exporter's AE_SQL_URL. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  /** Stores points as `writeDataPoint` would (timestamp in ms; default now). */
  add(points: PointInput[]): void;
  close(): Promise<void>;
}

export interface PointInput {
  dataset?: string;
  timestamp?: number;
  sample_interval?: number;
  indexes?: (string | null)[];
  blobs?: (string | null)[];
  doubles?: number[];
}

/** Points the stand-in keeps: ~4 h of `npm run simulate` at 50/s, several hundred MB at most. */
const MAX_POINTS = 1_000_000;

export const AE_LOCAL_DEFAULTS = { port: 8077, token: "local-ae-token", dataset: "fraud_decisions" } as const;

export async function startAeSql(options: { port?: number; token?: string; dataset?: string } = {}): Promise<AeSqlHandle> {
  const token = options.token ?? AE_LOCAL_DEFAULTS.token;
  const defaultDataset = options.dataset ?? AE_LOCAL_DEFAULTS.dataset;
  const expectedAuth = `Bearer ${token}`;
  let points: StoredPoint[] = [];
  let stats = { queries: 0, failed: 0 };
  let down = false;

  const add = (input: PointInput[]) => {
    for (const p of input) {
      points.push({
        dataset: p.dataset ?? defaultDataset,
        timestamp: Math.floor((p.timestamp ?? Date.now()) / 1000),
        _sample_interval: p.sample_interval ?? 1,
        index1: p.indexes?.[0] ?? "",
        blobs: (p.blobs ?? []).map((b) => b ?? ""),
        doubles: p.doubles ?? [],
      });
    }
    // A long dev session must not grow without end: past the cap the oldest tenth goes (AE itself keeps 3 months).
    if (points.length > MAX_POINTS) points.splice(0, Math.ceil(MAX_POINTS / 10));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const body = await readBody(req);
    if (body.kind === "too_large") return sendJson(res, 413, { error: "request body too large" });

    if (url.pathname.startsWith("/__")) {
      if (!fromLoopback(req)) return sendJson(res, 403, { error: "Forbidden" });
      const json = parseJson(body.bytes);
      if (url.pathname === "/__points" && req.method === "POST" && json.kind === "json" && Array.isArray(json.value)) {
        add(json.value as PointInput[]);
      } else if (url.pathname === "/__reset" && req.method === "POST") {
        points = [];
        stats = { queries: 0, failed: 0 };
      } else if (url.pathname === "/__fault" && req.method === "POST" && json.kind === "json") {
        down = (json.value as { down?: unknown }).down === true;
      } else if (url.pathname !== "/__stats") {
        return sendJson(res, 404, { error: "POST /__points [points], POST /__reset, POST /__fault {down}, GET /__stats" });
      }
      const current: AeSqlStats = { ...stats, points: points.length, down };
      return sendJson(res, 200, current);
    }

    if (req.method !== "POST" || !url.pathname.endsWith("/analytics_engine/sql")) {
      return sendText(res, 404, "POST /client/v4/accounts/<account>/analytics_engine/sql");
    }
    if (!safeEqual(req.headers.authorization ?? "", expectedAuth)) return sendJson(res, 401, { success: false, errors: [{ code: 10000, message: "Authentication error" }] });
    stats.queries++;
    if (down) {
      stats.failed++;
      return sendText(res, 503, "AE SQL stand-in is down (fault injected via /__fault)");
    }
    try {
      sendJson(res, 200, runSql(body.bytes.toString("utf8"), points, Math.floor(Date.now() / 1000)));
    } catch (e) {
      stats.failed++;
      // The real API answers a query it cannot run with a 4xx and a text message.
      if (e instanceof SqlError) return sendText(res, 422, `SQL error: ${e.message}`);
      throw e;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) sendText(res, 500, `internal error: ${String(e)}`);
    });
  });
  const port = await listenLoopback(server, options.port ?? 0);
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/client/v4/accounts/local/analytics_engine/sql`,
    origin,
    token,
    add,
    close: () => closeServer(server),
  };
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: String(AE_LOCAL_DEFAULTS.port) },
      token: { type: "string", default: AE_LOCAL_DEFAULTS.token },
      demo: { type: "string" },
    },
  });
  const ae = await startAeSql({ port: Number(values.port), token: values.token });
  console.log(`local AE SQL API stand-in at ${ae.url}`);
  if (values.demo !== undefined) {
    ae.add(demoPoints(Number(values.demo), ModelCardSchema.parse(cardJson), Date.now()));
    console.log(`  stored ${values.demo} synthetic decision points over the last hour`);
  }
  console.log(`  exporter: AE_SQL_URL=${ae.url} CF_API_TOKEN=${ae.token}`);
  console.log(`  add points: curl -X POST ${ae.origin}/__points -d '[{"indexes":["m_demo"],"blobs":["approve"],"doubles":[0.02,4.1,25,1]}]'`);
  console.log("Ctrl-C to stop.");
  exitOnSignal(() => ae.close());
}

if (isMain(import.meta.url)) runMain(main);
