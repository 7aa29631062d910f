/** What Redis holds is ours, but it is parsed, not trusted: a value that does not parse is skipped, not served. */
export function parsed<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }, raw: string | null | undefined | false): T | undefined {
  if (!raw) return undefined;
  try {
    const out = schema.safeParse(JSON.parse(raw));
    return out.success ? out.data : undefined;
  } catch {
    return undefined;
  }
}
