import type { ScoreResult } from "../../../src/schemas/score";
import { getWithKey, postJson, transaction } from "../helpers";

/** Scores a transaction (as m_test unless `headers` say otherwise) and waits until its record is kept (after the answer). */
export async function scored(overrides: Record<string, unknown> = {}, headers: Record<string, string> = {}): Promise<ScoreResult> {
  const res = await postJson("/v1/score", transaction(overrides), headers);
  if (res.status !== 200) throw new Error(`score answered ${res.status}`);
  const out = await res.json<ScoreResult>();
  for (let i = 0; i < 40; i++) {
    if ((await getWithKey(`/v1/transactions/${out.transaction_id}`, headers)).status === 200) return out;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${out.transaction_id}: its record was never kept`);
}

export const label = (transaction_id: string, l: "fraud" | "legitimate", source: string, learnt_at = new Date().toISOString(), extra: Record<string, unknown> = {}) => ({
  transaction_id,
  label: l,
  source,
  learnt_at,
  ...extra,
});

export interface LabelResults {
  results: ({ transaction_id: string; status: string; label: { label: string; source: string } } | { transaction_id: string; error: { status: number; code: string } })[];
}

export async function feedback(labels: unknown[], headers: Record<string, string> = {}): Promise<{ status: number; body: LabelResults }> {
  const res = await postJson("/v1/feedback", { labels }, headers);
  return { status: res.status, body: await res.json<LabelResults>() };
}
