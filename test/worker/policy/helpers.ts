import { SELF } from "cloudflare:test";
import { BASE, bearer, postJson } from "../helpers";
import { TEST_SECRET_KEY } from "../auth/keys";
import type { ListEntry } from "../../../src/schemas/policy";

export type Entry = ListEntry;

export interface Scored {
  decision: string;
  decision_source: string;
  risk_level: string;
  policy?: { version: number; decided_by?: { type: string; entry_id?: string; rule_id?: string; kind?: string; action: string; value?: string; name?: string }; hits: { type: string; entry_id?: string; rule_id?: string; action: string }[] };
}

/** A value no other test uses. */
export const unique = (prefix: string) => `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;

export async function addEntry(body: Record<string, unknown>, key = TEST_SECRET_KEY): Promise<{ status: number; body: { entry: Entry; replaced: boolean; policy_version: number } }> {
  const res = await postJson("/v1/lists/entries", body, bearer(key));
  return { status: res.status, body: await res.json() };
}

export function call(method: string, path: string, key = TEST_SECRET_KEY, body?: unknown): Promise<Response> {
  return SELF.fetch(`${BASE}${path}`, {
    method,
    headers: { ...bearer(key), ...(body !== undefined && { "content-type": "application/json" }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
}

export async function score(tx: Record<string, unknown>, key = TEST_SECRET_KEY): Promise<Scored> {
  const res = await postJson("/v1/score", tx, bearer(key));
  if (res.status !== 200) throw new Error(`score answered ${res.status}: ${await res.text()}`);
  return res.json();
}
