import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ApiError } from "../../errors/problem";
import { ADMIN_SCHEME, requireAdminToken } from "../../http/admin-token";
import { backendCall } from "../../http/backend-call";
import type { AppEnv } from "../../http/env";
import { jsonBody } from "../../http/json-body";
import { problems } from "../../http/problems";
import { checkCandidate } from "../../model/gates";
import { loadModel } from "../../model/load";
import { MAX_ONNX_BYTES, MAX_SIDE_FILE_BYTES, VERSION_PATTERN, type ModelArtifacts, type PublishedModel } from "../../model/registry/interface";

const security = [{ [ADMIN_SCHEME]: [] }];
/** The base64 of the largest ONNX file, the side files and some JSON. */
const PUBLISH_BODY_BYTES = Math.ceil((MAX_ONNX_BYTES * 4) / 3) + 3 * MAX_SIDE_FILE_BYTES + 64 * 1024;
/** One publish at a time per isolate: each holds its model several times over while its gates run. */
let publishing = false;
const unauthorized = { 401: problems("No ADMIN_TOKEN, or the wrong one") };
const unavailable = { 503: problems("No model registry (the MODELS R2 binding), or R2 is not reachable") };

const PublishedSchema = z
  .object({ version: z.string(), id: z.string(), created: z.string(), published: z.string(), onnx_bytes: z.number().int(), sha256: z.string() })
  .openapi("PublishedModel");

export const PublishModelSchema = z
  .object({
    onnx_base64: z.string().min(1).max(Math.ceil((MAX_ONNX_BYTES * 4) / 3) + 4).openapi({ description: "The ONNX file, base64" }),
    card: z.record(z.string(), z.unknown()).openapi({ description: "The model card (models/<id>.card.json)" }),
    reference: z.record(z.string(), z.unknown()).openapi({ description: "The reference vectors (models/<id>.reference.json)" }),
    report: z.string().max(1024 * 1024).optional().openapi({ description: "The evaluation report (markdown)" }),
  })
  .strict()
  .openapi("PublishModel");

export const publishModelRoute = createRoute({
  method: "put",
  path: "/v1/admin/models/{version}",
  summary: "Publish a model version to the registry (operator)",
  description:
    "Runs the publishing gates inside the Worker — the card names this version and exactly this build's features in order, the ONNX file is the card's (SHA-256) and ONNX Runtime Web serves it, its reference vectors reproduce — and stores the version in R2. Versions are immutable. Metrics below the live model's are warnings, with both shown. Publishing does not route traffic to it (docs/models.md).",
  security,
  middleware: [requireAdminToken, jsonBody(PUBLISH_BODY_BYTES)] as const,
  request: {
    params: z.object({ version: z.string().regex(VERSION_PATTERN, "1–64 letters, digits and . + _ -").openapi({ param: { name: "version", in: "path" }, example: "1.1.0+3f9c2a1b7d4e" }) }),
    body: { content: { "application/json": { schema: PublishModelSchema } }, required: true },
  },
  responses: {
    201: {
      content: {
        "application/json": {
          schema: z
            .object({
              published: PublishedSchema,
              warnings: z.array(z.string()),
              comparison: z.array(z.object({ metric: z.string(), candidate: z.number(), live: z.number() })),
            })
            .openapi("ModelPublished"),
        },
      },
      description: "Published",
    },
    400: problems("Malformed body"),
    ...unauthorized,
    409: problems("That version is published already (versions are immutable), or another publish is running on this edge node"),
    413: problems("Body over the limit (a 4 MiB model, base64, with its side files)"),
    422: problems("The model failed a gate: `errors[]` names each (`size`, `version`, `card`, `features`, `checksum`, `onnx`, `reference`)"),
    ...unavailable,
  },
});

export const listModelsRoute = createRoute({
  method: "get",
  path: "/v1/admin/models",
  summary: "Published model versions (operator)",
  security,
  middleware: [requireAdminToken] as const,
  responses: {
    200: { content: { "application/json": { schema: z.object({ models: z.array(PublishedSchema) }).openapi("PublishedModels") } }, description: "Oldest first" },
    ...unauthorized,
    ...unavailable,
  },
});

export const modelFilesRoute = createRoute({
  method: "get",
  path: "/v1/admin/models/{version}/files",
  summary: "A published version's files (operator)",
  description:
    "The files as published, in the very shape `PUT /v1/admin/models/{version}` takes: what `npm run backup` keeps of the registry, and `npm run restore` publishes again through the gates (docs/backups.md).",
  security,
  middleware: [requireAdminToken] as const,
  request: { params: z.object({ version: z.string().regex(VERSION_PATTERN).openapi({ param: { name: "version", in: "path" } }) }) },
  responses: {
    200: { content: { "application/json": { schema: PublishModelSchema } }, description: "The version's files" },
    ...unauthorized,
    404: problems("No such published version"),
    ...unavailable,
  },
});

const fromRegistry = <T>(call: () => Promise<T>): Promise<T> => backendCall("model registry (R2)", call);

function encodeBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function decodeBase64(text: string): Uint8Array | undefined {
  try {
    const raw = atob(text.replace(/\s+/g, ""));
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}

export function registerAdminModels(app: OpenAPIHono<AppEnv>) {
  app.openapi(publishModelRoute, async (c) => {
    const { version } = c.req.valid("param");
    if (version === c.get("services").models.bundledVersion) throw new ApiError("conflict", `${version} is the bundled model's version; versions are immutable`);
    const body = c.req.valid("json");
    const services = c.get("services");
    const artifacts: ModelArtifacts = services.modelArtifacts;
    if (artifacts.kind === "not_configured") throw new ApiError("store_unavailable", "No model registry is configured (the MODELS R2 binding)");
    if (await fromRegistry(() => artifacts.has(version))) throw new ApiError("conflict", `Model ${version} is published already; versions are immutable`);
    if (publishing) throw new ApiError("conflict", "Another model is being published on this edge node; retry shortly", undefined, { "Retry-After": "5" });
    publishing = true;
    try {
      return await publishChecked(c, version, body, artifacts);
    } finally {
      publishing = false;
    }
  });

  app.openapi(listModelsRoute, async (c) => {
    return c.json({ models: await fromRegistry(() => c.get("services").modelArtifacts.list()) }, 200);
  });

  app.openapi(modelFilesRoute, async (c) => {
    const { version } = c.req.valid("param");
    const artifacts = c.get("services").modelArtifacts;
    if (artifacts.kind === "not_configured") throw new ApiError("store_unavailable", "No model registry is configured (the MODELS R2 binding)");
    const files = await fromRegistry(() => artifacts.get(version));
    if (!files) throw new ApiError("not_found", `Model ${version} is not published`);
    return c.json(
      {
        onnx_base64: encodeBase64(files.onnx),
        card: JSON.parse(files.card) as Record<string, unknown>,
        reference: JSON.parse(files.reference) as Record<string, unknown>,
        ...(files.report !== undefined && { report: files.report }),
      },
      200,
    );
  });
}

/** The gates, then the store: what a publish does once it is the only one on this edge node. */
async function publishChecked(c: Context<AppEnv>, version: string, body: z.infer<typeof PublishModelSchema>, artifacts: ModelArtifacts) {
  const services = c.get("services");
  const onnx = decodeBase64(body.onnx_base64);
  if (!onnx) throw new ApiError("validation_failed", undefined, [{ path: "onnx_base64", code: "invalid_base64", message: "is not base64" }]);
  const files = { onnx, card: JSON.stringify(body.card), reference: JSON.stringify(body.reference), ...(body.report !== undefined && { report: body.report }) };
  const live = (await loadModel(services.model)).card;
  const checked = await checkCandidate(version, files, live);
  if (checked.problems.length > 0 || !checked.card) {
    throw new ApiError(
      "model_rejected",
      `Model ${version} was not published: ${checked.problems.map((p) => p.message).join("; ")}`,
      checked.problems.map((p) => ({ path: p.gate, code: `gate_${p.gate}`, message: p.message })),
    );
  }
  const published: PublishedModel = { version, id: checked.card.id, created: checked.card.created, published: new Date().toISOString(), onnx_bytes: onnx.byteLength, sha256: checked.card.sha256 };
  if (!(await fromRegistry(() => artifacts.put(version, files, published)))) throw new ApiError("conflict", `Model ${version} is published already; versions are immutable`);
  return c.json({ published, warnings: checked.warnings, comparison: checked.comparison }, 201);
}
