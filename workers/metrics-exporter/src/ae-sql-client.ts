import { z } from "zod";

/**
 * The Workers Analytics Engine SQL API: `POST` raw SQL with a bearer token, `FORMAT JSON` answers
 * `{meta: [{name, type}], data: [{column: value}], rows, rows_before_limit_at_least?}` (ClickHouse's JSON
 * format; 64-bit integers arrive as strings, hence the numeric coercion in the row schemas).
 */
export const AeSqlResponseSchema = z.object({
  meta: z.array(z.object({ name: z.string(), type: z.string() })),
  data: z.array(z.record(z.string(), z.unknown())),
  rows: z.number(),
  rows_before_limit_at_least: z.number().optional(),
});
export type AeSqlResponse = z.infer<typeof AeSqlResponseSchema>;

export type AeSqlErrorCode = "unreachable" | "http" | "malformed";

export class AeSqlError extends Error {
  constructor(
    readonly code: AeSqlErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "AeSqlError";
  }
}

export interface AeSqlResult<T> {
  rows: T[];
  /** The query hit its LIMIT: more rows existed than were returned. */
  truncated: boolean;
}

export class AeSqlClient {
  constructor(
    private readonly url: string,
    private readonly token: string,
    private readonly timeoutMs = 15_000,
  ) {}

  /** Runs `sql` (FORMAT JSON is appended) and parses each row with `row`. */
  async query<T>(sql: string, row: z.ZodType<T>): Promise<AeSqlResult<T>> {
    let res: Response;
    try {
      res = await fetch(this.url, {
        method: "POST",
        headers: { authorization: `Bearer ${this.token}` },
        body: `${sql}\nFORMAT JSON`,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new AeSqlError("unreachable", `AE SQL API unreachable: ${e instanceof Error ? e.message : String(e)}`);
    }
    const text = await res.text();
    if (!res.ok) throw new AeSqlError("http", `AE SQL API answered ${res.status}: ${text.slice(0, 300)}`, res.status);
    let body: AeSqlResponse;
    try {
      body = AeSqlResponseSchema.parse(JSON.parse(text));
    } catch (e) {
      throw new AeSqlError("malformed", `AE SQL API answer is not FORMAT JSON: ${e instanceof Error ? e.message : String(e)}`);
    }
    const parsed = z.array(row).safeParse(body.data);
    if (!parsed.success) throw new AeSqlError("malformed", `unexpected rows: ${parsed.error.message}`);
    return { rows: parsed.data, truncated: (body.rows_before_limit_at_least ?? 0) > body.rows };
  }
}
