/**
 * A parser for the subset of the Workers Analytics Engine SQL dialect (ClickHouse-flavoured) that this project's
 * exporter and dashboards use: SELECT … FROM … [WHERE] [GROUP BY] [HAVING] [ORDER BY] [LIMIT] [FORMAT], with
 * arithmetic, comparisons, AND/OR/NOT, [NOT] IN, BETWEEN, INTERVAL literals and function calls. Anything outside
 * it is a SqlError naming what was not understood — the stand-in refuses rather than guesses.
 */
export class SqlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SqlError";
  }
}

export type Expr =
  | { kind: "number"; value: number; integer: boolean }
  | { kind: "string"; value: string }
  | { kind: "bool"; value: boolean }
  | { kind: "interval"; seconds: number }
  | { kind: "column"; name: string }
  /** `params` for ClickHouse's parametric aggregates, e.g. quantileExactWeighted(0.99)(double2, _sample_interval). */
  | { kind: "call"; name: string; args: Expr[]; params?: Expr[] }
  | { kind: "unary"; op: "-" | "NOT"; arg: Expr }
  | { kind: "binary"; op: string; left: Expr; right: Expr }
  | { kind: "in"; arg: Expr; list: Expr[]; negated: boolean }
  | { kind: "between"; arg: Expr; low: Expr; high: Expr; negated: boolean };

export interface SelectItem {
  expr: Expr;
  /** The alias, or the expression's text as written (ClickHouse names unaliased columns that way). */
  name: string;
}

export interface Query {
  select: SelectItem[];
  from: string;
  where?: Expr;
  groupBy: Expr[];
  having?: Expr;
  orderBy: { expr: Expr; desc: boolean }[];
  limit?: number;
  offset?: number;
  format: string;
}

type Token = { type: "number" | "string" | "ident" | "op"; text: string; value?: string | number; start: number; end: number };

const OPERATORS = ["<=", ">=", "!=", "<>", "=", "<", ">", "+", "-", "*", "/", "%", "(", ")", ","];
const UNITS: Record<string, number> = { SECOND: 1, MINUTE: 60, HOUR: 3600, DAY: 86400, MONTH: 2_592_000, YEAR: 31_536_000 };

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (sql.startsWith("--", i)) {
      while (i < sql.length && sql[i] !== "\n") i++;
    } else if (c === "'") {
      let value = "";
      const start = i++;
      for (;;) {
        if (i >= sql.length) throw new SqlError(`unterminated string starting at ${start}`);
        const d = sql[i]!;
        if (d === "\\") {
          const e = sql[i + 1];
          value += e === "n" ? "\n" : e === "t" ? "\t" : (e ?? "");
          i += 2;
        } else if (d === "'" && sql[i + 1] === "'") {
          value += "'";
          i += 2;
        } else if (d === "'") {
          i++;
          break;
        } else {
          value += d;
          i++;
        }
      }
      tokens.push({ type: "string", text: sql.slice(start, i), value, start, end: i });
    } else if (/[0-9]/.test(c) || (c === "." && /[0-9]/.test(sql[i + 1] ?? ""))) {
      const m = /^[0-9]*\.?[0-9]*(?:[eE][+-]?[0-9]+)?/.exec(sql.slice(i))!;
      tokens.push({ type: "number", text: m[0], value: Number(m[0]), start: i, end: i + m[0].length });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i))!;
      tokens.push({ type: "ident", text: m[0], start: i, end: i + m[0].length });
      i += m[0].length;
    } else {
      const op = OPERATORS.find((o) => sql.startsWith(o, i));
      if (!op) throw new SqlError(`unexpected character ${JSON.stringify(c)} at ${i}`);
      tokens.push({ type: "op", text: op, start: i, end: i + op.length });
      i += op.length;
    }
  }
  return tokens;
}

const KEYWORDS = new Set(["SELECT", "FROM", "WHERE", "GROUP", "BY", "HAVING", "ORDER", "LIMIT", "OFFSET", "FORMAT", "AS", "AND", "OR", "NOT", "IN", "BETWEEN", "ASC", "DESC", "INTERVAL"]);

export function parse(sql: string): Query {
  const tokens = tokenize(sql);
  let pos = 0;
  const peek = () => tokens[pos];
  const isWord = (w: string, t = peek()) => t?.type === "ident" && t.text.toUpperCase() === w;
  const isOp = (o: string, t = peek()) => t?.type === "op" && t.text === o;
  const fail = (what: string): never => {
    const t = peek();
    throw new SqlError(`${what} ${t ? `at ${JSON.stringify(t.text)} (offset ${t.start})` : "at end of query"}`);
  };
  const word = (w: string) => (isWord(w) ? tokens[pos++]! : fail(`expected ${w}`));
  const op = (o: string) => (isOp(o) ? tokens[pos++]! : fail(`expected "${o}"`));

  function expr(): Expr {
    let left = and();
    while (isWord("OR")) {
      pos++;
      left = { kind: "binary", op: "OR", left, right: and() };
    }
    return left;
  }
  function and(): Expr {
    let left = not();
    while (isWord("AND")) {
      pos++;
      left = { kind: "binary", op: "AND", left, right: not() };
    }
    return left;
  }
  function not(): Expr {
    if (isWord("NOT")) {
      pos++;
      return { kind: "unary", op: "NOT", arg: not() };
    }
    return comparison();
  }
  function comparison(): Expr {
    const left = additive();
    const t = peek();
    if (t?.type === "op" && ["=", "!=", "<>", "<", "<=", ">", ">="].includes(t.text)) {
      pos++;
      return { kind: "binary", op: t.text === "<>" ? "!=" : t.text, left, right: additive() };
    }
    const negated = isWord("NOT") && (isWord("IN", tokens[pos + 1]) || isWord("BETWEEN", tokens[pos + 1]));
    if (negated) pos++;
    if (isWord("IN")) {
      pos++;
      op("(");
      const list = [expr()];
      while (isOp(",")) {
        pos++;
        list.push(expr());
      }
      op(")");
      return { kind: "in", arg: left, list, negated };
    }
    if (isWord("BETWEEN")) {
      pos++;
      const low = additive();
      word("AND");
      return { kind: "between", arg: left, low, high: additive(), negated };
    }
    if (negated) fail("expected IN or BETWEEN");
    return left;
  }
  function additive(): Expr {
    let left = multiplicative();
    while (isOp("+") || isOp("-")) {
      const o = tokens[pos++]!.text;
      left = { kind: "binary", op: o, left, right: multiplicative() };
    }
    return left;
  }
  function multiplicative(): Expr {
    let left = unary();
    while (isOp("*") || isOp("/") || isOp("%")) {
      const o = tokens[pos++]!.text;
      left = { kind: "binary", op: o, left, right: unary() };
    }
    return left;
  }
  function unary(): Expr {
    if (isOp("-")) {
      pos++;
      return { kind: "unary", op: "-", arg: unary() };
    }
    return primary();
  }
  function primary(): Expr {
    const t = peek() ?? fail("expected an expression");
    if (t.type === "number") {
      pos++;
      return { kind: "number", value: t.value as number, integer: !/[.eE]/.test(t.text) };
    }
    if (t.type === "string") {
      pos++;
      return { kind: "string", value: t.value as string };
    }
    if (isOp("(")) {
      pos++;
      const e = expr();
      op(")");
      return e;
    }
    if (t.type === "ident") {
      const upper = t.text.toUpperCase();
      if (upper === "TRUE" || upper === "FALSE") {
        pos++;
        return { kind: "bool", value: upper === "TRUE" };
      }
      if (upper === "INTERVAL") {
        pos++;
        const n = peek();
        if (n?.type !== "string" && n?.type !== "number") fail("expected the interval's amount");
        pos++;
        const unit = peek();
        const seconds = unit?.type === "ident" ? UNITS[unit.text.toUpperCase()] : undefined;
        if (seconds === undefined) fail("expected SECOND, MINUTE, HOUR, DAY, MONTH or YEAR");
        pos++;
        return { kind: "interval", seconds: Number(n!.value) * seconds! };
      }
      if (KEYWORDS.has(upper)) fail("expected an expression");
      pos++;
      if (isOp("(")) {
        const first = argList();
        return isOp("(") ? { kind: "call", name: t.text, params: first, args: argList() } : { kind: "call", name: t.text, args: first };
      }
      return { kind: "column", name: t.text };
    }
    return fail("expected an expression");
  }
  function argList(): Expr[] {
    op("(");
    const args: Expr[] = [];
    if (!isOp(")")) {
      args.push(expr());
      while (isOp(",")) {
        pos++;
        args.push(expr());
      }
    }
    op(")");
    return args;
  }
  function exprList(): Expr[] {
    const list = [expr()];
    while (isOp(",")) {
      pos++;
      list.push(expr());
    }
    return list;
  }
  function integer(what: string): number {
    const t = peek();
    if (t?.type !== "number" || !Number.isInteger(t.value)) fail(`expected ${what}`);
    pos++;
    return t!.value as number;
  }

  word("SELECT");
  const select: SelectItem[] = [];
  do {
    if (select.length > 0) pos++;
    const start = peek()?.start ?? sql.length;
    const e = expr();
    const end = tokens[pos - 1]!.end;
    let name = sql.slice(start, end);
    if (isWord("AS")) {
      pos++;
      const alias = peek();
      if (alias?.type !== "ident") fail("expected an alias");
      name = alias!.text;
      pos++;
    }
    select.push({ expr: e, name });
  } while (isOp(","));
  word("FROM");
  const table = peek();
  if (table?.type !== "ident") fail("expected a table name");
  pos++;
  const q: Query = { select, from: table!.text, groupBy: [], orderBy: [], format: "JSON" };
  if (isWord("WHERE")) {
    pos++;
    q.where = expr();
  }
  if (isWord("GROUP")) {
    pos++;
    word("BY");
    q.groupBy = exprList();
  }
  if (isWord("HAVING")) {
    pos++;
    q.having = expr();
  }
  if (isWord("ORDER")) {
    pos++;
    word("BY");
    do {
      if (q.orderBy.length > 0) pos++;
      const e = expr();
      const desc = isWord("DESC");
      if (desc || isWord("ASC")) pos++;
      q.orderBy.push({ expr: e, desc });
    } while (isOp(","));
  }
  if (isWord("LIMIT")) {
    pos++;
    q.limit = integer("the LIMIT row count");
  }
  if (isWord("OFFSET")) {
    pos++;
    q.offset = integer("the OFFSET row count");
  }
  if (isWord("FORMAT")) {
    pos++;
    const f = peek();
    if (f?.type !== "ident") fail("expected a format name");
    q.format = f!.text;
    pos++;
  }
  if (pos < tokens.length) fail("unexpected trailing input");
  return q;
}
