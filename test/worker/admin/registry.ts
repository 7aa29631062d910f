import { SELF } from "cloudflare:test";
import card from "../../../models/fraud-gbdt.card.json";
import onnx from "../../../models/fraud-gbdt.onnx";
import reference from "../../../models/fraud-gbdt.reference.json";
import seed7Card from "../../fixtures/model-seed-7/fraud-gbdt.card.json";
import seed7Onnx from "../../fixtures/model-seed-7/fraud-gbdt.onnx";
import seed7Reference from "../../fixtures/model-seed-7/fraud-gbdt.reference.json";
import { TEST_ADMIN_TOKEN } from "../auth/keys";
import { BASE } from "../helpers";

/** What the registry tests publish: the files `npm run train -- --out <dir>` writes. */
export interface Candidate {
  version: string;
  card: typeof card;
  reference: typeof reference;
  onnx: Uint8Array;
}

export const bundledBytes = new Uint8Array(onnx as ArrayBuffer);
export const bundledCard = card;

export const base64 = (b: Uint8Array) => {
  let s = "";
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
};
export const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
export const uniqueVersion = (stem = "1.0.0-test") => `${stem}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

/** A model under a version of its own: the bundled one by default (so every gate passes), or the seed-7 model. */
export function candidate(version = uniqueVersion(), from: "bundled" | "seed7" = "bundled"): Candidate {
  const c = clone(from === "bundled" ? card : (seed7Card as typeof card));
  c.version = version;
  const r = clone(from === "bundled" ? reference : (seed7Reference as typeof reference));
  r.model.version = version;
  return { version, card: c, reference: r, onnx: from === "bundled" ? bundledBytes : new Uint8Array(seed7Onnx as ArrayBuffer) };
}

export const publish = (v: Candidate, token = TEST_ADMIN_TOKEN) =>
  SELF.fetch(`${BASE}/v1/admin/models/${encodeURIComponent(v.version)}`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ onnx_base64: base64(v.onnx), card: v.card, reference: v.reference, report: "# report" }),
  });

export const admin = (path: string, init: { method?: string; body?: unknown; token?: string } = {}) =>
  SELF.fetch(`${BASE}${path}`, {
    method: init.method ?? "GET",
    headers: { authorization: `Bearer ${init.token ?? TEST_ADMIN_TOKEN}`, ...(init.body !== undefined && { "content-type": "application/json" }) },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  });

/** A routing change through the operator's route. */
export const route = (change: Record<string, unknown>, token?: string) => admin("/v1/admin/models/routing", { method: "POST", body: change, ...(token && { token }) });
