import { writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { column as col, ERROR_DECISION } from "../../src/analytics/schema";

/**
 * Builds docs/dashboards/fraud-scorer.grafana.json. The SQL names AE columns through src/analytics/schema.ts, so
 * the dashboard cannot drift from what the scorer writes; test/exporter/dashboard.test.ts checks the committed
 * JSON is this script's output and runs every query through the local AE SQL stand-in.
 *
 *   npx tsx docs/dashboards/build-dashboard.ts
 *
 * Panels over Analytics Engine use the Altinity ClickHouse data source (the one Cloudflare documents for AE) and
 * its macros ($timeSeries, $timeFilter, $interval; "Column:DateTime" = timestamp). PSI and the alert backlog are
 * the exporter's figures, read from Prometheus (GET /metrics).
 */
export const DASHBOARD_PATH = new URL("./fraud-scorer.grafana.json", import.meta.url);

const AE = { type: "vertamedia-clickhouse-datasource", uid: "${DS_AE}" };
const PROM = { type: "prometheus", uid: "${DS_PROMETHEUS}" };

/** Counts are transactions: AE's sampling and the batch weight undone. */
const N = `_sample_interval * ${col("weight")}`;
const merchantFilter = `('\${merchant}' = '__all__' OR ${col("merchant")} = '\${merchant}')`;
const scored = `${col("decision")} != '${ERROR_DECISION}'`;
const from = "FROM ${dataset} WHERE $timeFilter AND " + merchantFilter;

/** Every AE query of the dashboard, by panel title (the test runs them). */
export const AE_QUERIES: Record<string, { sql: string; format: "time_series" | "table" }> = {
  "Transactions per second by decision": {
    format: "time_series",
    sql: [
      "SELECT $timeSeries AS t,",
      ...["approve", "review", "decline", ERROR_DECISION].map(
        (d, i, all) => `  SUM(if(${col("decision")} = '${d}', ${N}, 0)) / $interval AS ${d}${i < all.length - 1 ? "," : ""}`,
      ),
      from,
      "GROUP BY t ORDER BY t",
    ].join("\n"),
  },
  "Review and decline rate (share of scored)": {
    format: "time_series",
    sql: [
      "SELECT $timeSeries AS t,",
      `  SUM(if(${col("decision")} = 'review', ${N}, 0)) / SUM(${N}) AS review,`,
      `  SUM(if(${col("decision")} = 'decline', ${N}, 0)) / SUM(${N}) AS decline`,
      `${from} AND ${scored}`,
      "GROUP BY t ORDER BY t",
    ].join("\n"),
  },
  "Error rate (5xx share of requests)": {
    format: "time_series",
    sql: [
      "SELECT $timeSeries AS t,",
      `  SUM(if(${col("decision")} = '${ERROR_DECISION}', ${N}, 0)) / SUM(${N}) AS error_rate`,
      from,
      "GROUP BY t ORDER BY t",
    ].join("\n"),
  },
  "Latency p50 / p95 / p99 (ms, per request)": {
    format: "time_series",
    sql: [
      "SELECT $timeSeries AS t,",
      ...[
        ["0.5", "p50"],
        ["0.95", "p95"],
        ["0.99", "p99"],
      ].map(([q, name], i) => `  quantileExactWeighted(${q})(${col("latency_ms")}, _sample_interval) AS ${name}${i < 2 ? "," : ""}`),
      `${from} AND ${scored}`,
      "GROUP BY t ORDER BY t",
    ].join("\n"),
  },
  "Latency by colo (range)": {
    format: "table",
    sql: [
      `SELECT ${col("colo")} AS colo, SUM(${N}) AS transactions,`,
      `  quantileExactWeighted(0.5)(${col("latency_ms")}, _sample_interval) AS p50_ms,`,
      `  quantileExactWeighted(0.99)(${col("latency_ms")}, _sample_interval) AS p99_ms`,
      `${from} AND ${scored}`,
      "GROUP BY colo ORDER BY transactions DESC LIMIT 30",
    ].join("\n"),
  },
  "Score: mean and p90": {
    format: "time_series",
    sql: [
      "SELECT $timeSeries AS t,",
      `  SUM(${N} * ${col("score")}) / SUM(${N}) AS mean,`,
      `  quantileExactWeighted(0.9)(${col("score")}, _sample_interval) AS p90`,
      `${from} AND ${scored}`,
      "GROUP BY t ORDER BY t",
    ].join("\n"),
  },
  "Key features (mean, single transactions)": {
    format: "time_series",
    sql: [
      "SELECT $timeSeries AS t,",
      `  SUM(_sample_interval * ${col("amount_usd_log")}) / SUM(_sample_interval) AS amount_usd_log,`,
      `  SUM(_sample_interval * ${col("account_age_days_log")}) / SUM(_sample_interval) AS account_age_days_log,`,
      `  SUM(_sample_interval * ${col("card_ip_country_mismatch")}) / SUM(_sample_interval) AS card_ip_country_mismatch`,
      `${from} AND ${col("features_recorded")} = 1`,
      "GROUP BY t ORDER BY t",
    ].join("\n"),
  },
  "Merchants (range)": {
    format: "table",
    sql: [
      `SELECT ${col("merchant")} AS merchant, SUM(${N}) AS transactions,`,
      `  SUM(if(${col("decision")} = 'decline', ${N}, 0)) / SUM(${N}) AS decline_rate,`,
      `  SUM(if(${col("decision")} = 'review', ${N}, 0)) / SUM(${N}) AS review_rate,`,
      `  SUM(if(${col("decision")} = '${ERROR_DECISION}', ${N}, 0)) / SUM(${N}) AS error_rate,`,
      `  SUM(_sample_interval * ${col("amount_usd")}) AS amount_usd`,
      from,
      "GROUP BY merchant ORDER BY transactions DESC LIMIT 50",
    ].join("\n"),
  },
};

/** The merchant picker's options: the busiest merchants of the last day. */
export const MERCHANT_VARIABLE_QUERY = `SELECT ${col("merchant")} AS merchant FROM \${dataset} WHERE timestamp > NOW() - INTERVAL '1' DAY GROUP BY merchant ORDER BY SUM(_sample_interval) DESC LIMIT 200`;

const PROM_PANELS: Record<string, { expr: string; legend: string; threshold?: number; unit?: string }[]> = {
  "Score PSI vs training baseline (exporter)": [
    { expr: 'fraud_score_psi{merchant="__all__"}', legend: "score (all merchants)", threshold: 0.25 },
    { expr: "fraud_feature_psi", legend: "{{feature}}" },
  ],
  "Alert spill backlog": [
    { expr: "fraud_alert_spill_backlog", legend: "waiting alerts" },
    { expr: "fraud_alert_spill_oldest_age_seconds", legend: "oldest (s)" },
  ],
};

const LAYOUT: { title: string; w: number; unit?: string; kind?: "stacked" }[][] = [
  [
    { title: "Transactions per second by decision", w: 12, unit: "reqps", kind: "stacked" },
    { title: "Review and decline rate (share of scored)", w: 6, unit: "percentunit" },
    { title: "Error rate (5xx share of requests)", w: 6, unit: "percentunit" },
  ],
  [
    { title: "Latency p50 / p95 / p99 (ms, per request)", w: 16, unit: "ms" },
    { title: "Latency by colo (range)", w: 8 },
  ],
  [
    { title: "Score: mean and p90", w: 8 },
    { title: "Key features (mean, single transactions)", w: 8 },
    { title: "Score PSI vs training baseline (exporter)", w: 8 },
  ],
  [
    { title: "Merchants (range)", w: 16 },
    { title: "Alert spill backlog", w: 8 },
  ],
];

function aeTarget(sql: string, format: "time_series" | "table") {
  return {
    datasource: AE,
    refId: "A",
    format,
    query: sql,
    dateTimeType: "DATETIME",
    dateTimeColDataType: "timestamp",
    round: "0s",
    intervalFactor: 1,
    skip_comments: true,
  };
}

export function dashboard(): object {
  let id = 0;
  const panels: object[] = [];
  LAYOUT.forEach((row, r) => {
    let x = 0;
    for (const p of row) {
      const ae = AE_QUERIES[p.title];
      const prom = PROM_PANELS[p.title];
      const table = ae?.format === "table";
      const threshold = prom?.find((q) => q.threshold !== undefined)?.threshold;
      panels.push({
        id: ++id,
        type: table ? "table" : "timeseries",
        title: p.title,
        gridPos: { h: 8, w: p.w, x, y: r * 8 },
        datasource: ae ? AE : PROM,
        targets: ae
          ? [aeTarget(ae.sql, ae.format)]
          : prom!.map((q, i) => ({ datasource: PROM, refId: String.fromCharCode(65 + i), expr: q.expr, legendFormat: q.legend })),
        fieldConfig: {
          defaults: {
            ...(p.unit ? { unit: p.unit } : {}),
            ...(p.kind === "stacked" ? { custom: { stacking: { mode: "normal" }, fillOpacity: 30 } } : {}),
            ...(threshold !== undefined
              ? {
                  thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: threshold }] },
                  custom: { thresholdsStyle: { mode: "line" } },
                }
              : {}),
          },
          overrides: [],
        },
        options: table ? { showHeader: true } : { legend: { displayMode: "list", placement: "bottom" }, tooltip: { mode: "multi" } },
      });
      x += p.w;
    }
  });
  return {
    __inputs: [
      { name: "DS_AE", label: "Workers Analytics Engine (Altinity ClickHouse)", type: "datasource", pluginId: "vertamedia-clickhouse-datasource", pluginName: "Altinity plugin for ClickHouse" },
      { name: "DS_PROMETHEUS", label: "Prometheus (scraping GET /metrics)", type: "datasource", pluginId: "prometheus", pluginName: "Prometheus" },
    ],
    __requires: [
      { type: "datasource", id: "vertamedia-clickhouse-datasource", name: "Altinity plugin for ClickHouse", version: "3.0.0" },
      { type: "datasource", id: "prometheus", name: "Prometheus", version: "1.0.0" },
      { type: "grafana", id: "grafana", name: "Grafana", version: "10.0.0" },
    ],
    title: "Edge fraud scorer",
    uid: "edge-fraud-scorer",
    tags: ["fraud", "cloudflare-workers", "analytics-engine"],
    timezone: "utc",
    schemaVersion: 39,
    version: 1,
    refresh: "1m",
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [
        {
          name: "dataset",
          label: "AE dataset",
          type: "textbox",
          query: "fraud_decisions",
          current: { text: "fraud_decisions", value: "fraud_decisions" },
        },
        {
          name: "merchant",
          label: "Merchant",
          type: "query",
          datasource: AE,
          query: MERCHANT_VARIABLE_QUERY,
          refresh: 2,
          includeAll: true,
          allValue: "__all__",
          current: { text: "All", value: "$__all" },
        },
      ],
    },
    panels,
  };
}

export function dashboardJson(): string {
  return `${JSON.stringify(dashboard(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(DASHBOARD_PATH, dashboardJson());
  console.log(`wrote ${DASHBOARD_PATH.pathname}`);
}
