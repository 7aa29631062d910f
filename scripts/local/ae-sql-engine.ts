import { SqlError, parse, type Expr, type Query } from "./ae-sql-parser";

/**
 * Runs a parsed query over stored data points and answers in the SQL API's FORMAT JSON shape
 * (`{meta, data, rows, rows_before_limit_at_least}`), with ClickHouse's value encoding: 64-bit integers as
 * strings, DateTime as "YYYY-MM-DD hh:mm:ss", everything else as JSON numbers and strings. Sampling is not
 * simulated: every stored point has the `_sample_interval` it was stored with (1 unless the test says otherwise).
 */
export interface StoredPoint {
  dataset: string;
  /** Seconds since the epoch. */
  timestamp: number;
  _sample_interval: number;
  index1: string;
  blobs: string[];
  doubles: number[];
}

export interface JsonResult {
  meta: { name: string; type: string }[];
  data: Record<string, unknown>[];
  rows: number;
  rows_before_limit_at_least?: number;
}

type Value = number | string | boolean;
type SqlType = "String" | "Float64" | "UInt64" | "Int64" | "UInt32" | "UInt8" | "DateTime" | "Interval";

const AGGREGATES = new Set(["sum", "count", "avg", "min", "max", "quantileexactweighted"]);
const SCALARS = new Set(["if", "now", "touint32", "intdiv", "log", "ln", "floor", "ceil", "round"]);
const COLUMN = /^(timestamp|_sample_interval|index1|dataset|blob([1-9]|1[0-9]|20)|double([1-9]|1[0-9]|20))$/;

export function runSql(sql: string, points: readonly StoredPoint[], now: number): JsonResult {
  const q = parse(sql);
  if (q.format.toUpperCase() !== "JSON") throw new SqlError(`this stand-in answers FORMAT JSON only, not ${q.format}`);
  validate(q);
  return execute(q, points.filter((p) => p.dataset === q.from), now);
}

/** Unknown functions and columns are errors even when no row would evaluate them, as in ClickHouse. */
function validate(q: Query): void {
  const aliases = new Set(q.select.map((s) => s.name));
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case "column":
        if (!COLUMN.test(e.name) && !aliases.has(e.name)) throw new SqlError(`Unknown identifier: ${e.name}`);
        return;
      case "call":
        if (!AGGREGATES.has(e.name.toLowerCase()) && !SCALARS.has(e.name.toLowerCase())) throw new SqlError(`unknown function ${e.name}()`);
        if (e.params && e.name.toLowerCase() !== "quantileexactweighted") throw new SqlError(`${e.name}() takes no parameters`);
        e.params?.forEach(visit);
        return e.args.forEach(visit);
      case "unary":
        return visit(e.arg);
      case "binary":
        visit(e.left);
        return visit(e.right);
      case "in":
        visit(e.arg);
        return e.list.forEach(visit);
      case "between":
        visit(e.arg);
        visit(e.low);
        return visit(e.high);
      default:
        return;
    }
  };
  [...q.select.map((s) => s.expr), ...(q.where ? [q.where] : []), ...q.groupBy, ...(q.having ? [q.having] : []), ...q.orderBy.map((o) => o.expr)].forEach(visit);
}

interface Ctx {
  row: StoredPoint | undefined;
  group: readonly StoredPoint[] | undefined;
  now: number;
}

function execute(q: Query, points: readonly StoredPoint[], now: number): JsonResult {
  const aliases = new Map(q.select.map((s) => [s.name, s.expr]));
  // GROUP BY / ORDER BY may name a SELECT alias (ClickHouse resolves aliases before columns).
  const resolve = (e: Expr): Expr => (e.kind === "column" && aliases.has(e.name) && aliases.get(e.name) !== e ? aliases.get(e.name)! : e);
  const rows = q.where ? points.filter((p) => truthy(evaluate(q.where!, { row: p, group: undefined, now }))) : [...points];

  const grouped = q.groupBy.length > 0 || q.select.some((s) => hasAggregate(s.expr)) || (q.having !== undefined && hasAggregate(q.having));
  const contexts: Ctx[] = grouped
    ? groupRows(rows, q.groupBy.map(resolve), now).map((group) => ({ row: group[0], group, now }))
    : rows.map((row) => ({ row, group: undefined, now }));
  // An aggregate over no rows still answers one row (e.g. SUM → 0), as in ClickHouse.
  if (grouped && q.groupBy.length === 0 && contexts.length === 0) contexts.push({ row: undefined, group: [], now });

  let out = contexts.filter((ctx) => q.having === undefined || truthy(evaluate(q.having, ctx)));
  if (q.orderBy.length > 0) {
    const keys = out.map((ctx) => q.orderBy.map((o) => evaluate(resolve(o.expr), ctx)));
    const order = out.map((_, i) => i).sort((a, b) => {
      for (let k = 0; k < q.orderBy.length; k++) {
        const c = compare(keys[a]![k]!, keys[b]![k]!);
        if (c !== 0) return q.orderBy[k]!.desc ? -c : c;
      }
      return 0;
    });
    out = order.map((i) => out[i]!);
  }
  const before = out.length;
  const offset = q.offset ?? 0;
  out = out.slice(offset, q.limit === undefined ? undefined : offset + q.limit);

  const types = q.select.map((s) => typeOf(s.expr));
  const result: JsonResult = {
    meta: q.select.map((s, i) => ({ name: s.name, type: types[i]! })),
    data: out.map((ctx) => Object.fromEntries(q.select.map((s, i) => [s.name, encode(evaluate(s.expr, ctx), types[i]!)]))),
    rows: out.length,
  };
  if (q.limit !== undefined) result.rows_before_limit_at_least = before;
  return result;
}

function groupRows(rows: readonly StoredPoint[], by: Expr[], now: number): StoredPoint[][] {
  const groups = new Map<string, StoredPoint[]>();
  for (const row of rows) {
    const key = JSON.stringify(by.map((e) => evaluate(e, { row, group: undefined, now })));
    const g = groups.get(key);
    if (g) g.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
}

function hasAggregate(e: Expr): boolean {
  switch (e.kind) {
    case "call":
      return AGGREGATES.has(e.name.toLowerCase()) || e.args.some(hasAggregate);
    case "unary":
      return hasAggregate(e.arg);
    case "binary":
      return hasAggregate(e.left) || hasAggregate(e.right);
    case "in":
      return hasAggregate(e.arg) || e.list.some(hasAggregate);
    case "between":
      return hasAggregate(e.arg) || hasAggregate(e.low) || hasAggregate(e.high);
    default:
      return false;
  }
}

function column(name: string, row: StoredPoint | undefined): Value {
  if (!row) throw new SqlError(`column ${name} used outside an aggregate in a query over no rows`);
  if (name === "timestamp") return row.timestamp;
  if (name === "_sample_interval") return row._sample_interval;
  if (name === "index1") return row.index1;
  if (name === "dataset") return row.dataset;
  const m = /^(blob|double)([1-9]|1[0-9]|20)$/.exec(name);
  if (!m) throw new SqlError(`Unknown identifier: ${name}`);
  const i = Number(m[2]) - 1;
  return m[1] === "blob" ? (row.blobs[i] ?? "") : (row.doubles[i] ?? 0);
}

function evaluate(e: Expr, ctx: Ctx): Value {
  switch (e.kind) {
    case "number":
    case "string":
    case "bool":
      return e.value;
    case "interval":
      return e.seconds;
    case "column":
      return column(e.name, ctx.row);
    case "unary":
      return e.op === "-" ? -num(evaluate(e.arg, ctx)) : !truthy(evaluate(e.arg, ctx));
    case "in": {
      const v = evaluate(e.arg, ctx);
      const found = e.list.some((x) => compare(v, evaluate(x, ctx)) === 0);
      return e.negated ? !found : found;
    }
    case "between": {
      const v = evaluate(e.arg, ctx);
      const inside = compare(v, evaluate(e.low, ctx)) >= 0 && compare(v, evaluate(e.high, ctx)) <= 0;
      return e.negated ? !inside : inside;
    }
    case "binary":
      return binary(e.op, e.left, e.right, ctx);
    case "call":
      return call(e.name.toLowerCase(), e.args, ctx, e.params);
  }
}

/** ClickHouse's quantileExactWeighted: the smallest value whose cumulative weight reaches q · total. */
function quantileExactWeighted(params: Expr[], args: Expr[], ctx: Ctx): Value {
  if (params.length !== 1) throw new SqlError("quantileExactWeighted(q)(value, weight) takes one parameter");
  arity("quantileExactWeighted", args, 2);
  const q = num(evaluate(params[0]!, ctx));
  const pairs = ctx.group!.map((row) => {
    const c = { row, group: undefined, now: ctx.now };
    return [num(evaluate(args[0]!, c)), num(evaluate(args[1]!, c))] as const;
  });
  if (pairs.length === 0) return 0;
  pairs.sort((a, b) => a[0] - b[0]);
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let cumulative = 0;
  for (const [v, w] of pairs) {
    cumulative += w;
    if (cumulative >= q * total) return v;
  }
  return pairs[pairs.length - 1]![0];
}

function binary(op: string, l: Expr, r: Expr, ctx: Ctx): Value {
  if (op === "AND") return truthy(evaluate(l, ctx)) && truthy(evaluate(r, ctx));
  if (op === "OR") return truthy(evaluate(l, ctx)) || truthy(evaluate(r, ctx));
  const a = evaluate(l, ctx);
  const b = evaluate(r, ctx);
  switch (op) {
    case "=":
      return compare(a, b) === 0;
    case "!=":
      return compare(a, b) !== 0;
    case "<":
      return compare(a, b) < 0;
    case "<=":
      return compare(a, b) <= 0;
    case ">":
      return compare(a, b) > 0;
    case ">=":
      return compare(a, b) >= 0;
    case "+":
      return num(a) + num(b);
    case "-":
      return num(a) - num(b);
    case "*":
      return num(a) * num(b);
    case "/":
      return num(a) / num(b);
    case "%":
      return num(a) % num(b);
  }
  throw new SqlError(`unsupported operator ${op}`);
}

function call(name: string, args: Expr[], ctx: Ctx, params: Expr[] = []): Value {
  if (AGGREGATES.has(name)) {
    if (!ctx.group) throw new SqlError(`aggregate ${name}() outside a grouped query`);
    if (name === "count") return ctx.group.length;
    if (name === "quantileexactweighted") return quantileExactWeighted(params, args, ctx);
    const values = ctx.group.map((row) => num(evaluate(arity(name, args, 1)[0]!, { row, group: undefined, now: ctx.now })));
    if (name === "sum") return values.reduce((s, v) => s + v, 0);
    if (values.length === 0) return 0;
    if (name === "avg") return values.reduce((s, v) => s + v, 0) / values.length;
    return name === "min" ? Math.min(...values) : Math.max(...values);
  }
  const v = (i: number) => evaluate(args[i]!, ctx);
  switch (name) {
    case "if":
      arity(name, args, 3);
      return truthy(v(0)) ? v(1) : v(2);
    case "now":
      arity(name, args, 0);
      return ctx.now;
    case "touint32":
      arity(name, args, 1);
      return Math.trunc(num(v(0)));
    case "intdiv":
      arity(name, args, 2);
      return Math.floor(num(v(0)) / num(v(1)));
    case "log":
    case "ln":
      arity(name, args, 1);
      return Math.log(num(v(0)));
    case "floor":
    case "ceil":
    case "round": {
      const digits = args.length === 2 ? num(v(1)) : (arity(name, args, 1), 0);
      const scale = 10 ** digits;
      const f = name === "floor" ? Math.floor : name === "ceil" ? Math.ceil : Math.round;
      return f(num(v(0)) * scale) / scale;
    }
  }
  throw new SqlError(`unknown function ${name}()`);
}

function arity(name: string, args: Expr[], n: number): Expr[] {
  if (args.length !== n) throw new SqlError(`${name}() takes ${n} argument(s), got ${args.length}`);
  return args;
}

function typeOf(e: Expr): SqlType {
  switch (e.kind) {
    case "number":
      return e.integer ? (e.value < 0 ? "Int64" : "UInt64") : "Float64";
    case "string":
      return "String";
    case "bool":
      return "UInt8";
    case "interval":
      return "Interval";
    case "column":
      if (e.name === "timestamp") return "DateTime";
      if (e.name === "_sample_interval") return "UInt32";
      return e.name.startsWith("double") ? "Float64" : "String";
    case "unary":
      return e.op === "NOT" ? "UInt8" : typeOf(e.arg) === "Float64" ? "Float64" : "Int64";
    case "in":
    case "between":
      return "UInt8";
    case "binary": {
      if (["AND", "OR", "=", "!=", "<", "<=", ">", ">="].includes(e.op)) return "UInt8";
      const [a, b] = [typeOf(e.left), typeOf(e.right)];
      if (a === "DateTime" || b === "DateTime") return e.op === "-" && a === b ? "Int64" : "DateTime";
      if (e.op === "/" || a === "Float64" || b === "Float64") return "Float64";
      return "UInt64";
    }
    case "call": {
      const name = e.name.toLowerCase();
      const arg = e.args[0] ? typeOf(e.args[0]) : "UInt64";
      if (name === "count") return "UInt64";
      if (name === "sum") return arg === "Float64" ? "Float64" : "UInt64";
      if (name === "avg" || name === "log" || name === "ln") return "Float64";
      if (name === "quantileexactweighted") return arg;
      if (name === "min" || name === "max" || name === "floor" || name === "ceil" || name === "round") return arg;
      if (name === "now") return "DateTime";
      if (name === "touint32") return "UInt32";
      if (name === "intdiv") return "Int64";
      if (name === "if") {
        const [x, y] = [typeOf(e.args[1]!), typeOf(e.args[2]!)];
        return x === "String" || y === "String" ? "String" : x === "Float64" || y === "Float64" ? "Float64" : "UInt64";
      }
      return "Float64";
    }
  }
}

function encode(v: Value, type: SqlType): unknown {
  switch (type) {
    case "UInt64":
    case "Int64":
      return String(Math.trunc(num(v)));
    case "UInt32":
      return Math.trunc(num(v));
    case "UInt8":
      return typeof v === "boolean" ? (v ? 1 : 0) : num(v);
    case "DateTime":
      return new Date(num(v) * 1000).toISOString().slice(0, 19).replace("T", " ");
    case "String":
      return String(v);
    default:
      return num(v);
  }
}

function num(v: Value): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  const n = Number(v);
  if (Number.isNaN(n)) throw new SqlError(`cannot use string ${JSON.stringify(v)} as a number`);
  return n;
}

function truthy(v: Value): boolean {
  return typeof v === "string" ? v !== "" : Boolean(v);
}

function compare(a: Value, b: Value): number {
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" || typeof b === "string") throw new SqlError(`cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`);
  return num(a) - num(b);
}
