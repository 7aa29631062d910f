/**
 * Model versions as published (docs/models.md): each an immutable set of files under its version. Implementations
 * side by side: r2.ts (Cloudflare R2, the MODELS binding; locally the R2 that wrangler/Miniflare run, persisted
 * under .wrangler/), memory.ts (this isolate), not-configured.ts (no binding: the bundled model is all there is).
 */
export interface ModelFiles {
  onnx: Uint8Array;
  /** The model card as JSON text (src/model/card.ts). */
  card: string;
  /** The reference vectors as JSON text: rows the training pipeline scored, which the served model must reproduce. */
  reference: string;
  /** The evaluation report (markdown), if any. */
  report?: string;
}

export interface PublishedModel {
  version: string;
  id: string;
  /** When the card says the model was trained, and when it was published. */
  created: string;
  published: string;
  onnx_bytes: number;
  sha256: string;
}

export interface ModelArtifacts {
  readonly kind: "r2" | "memory" | "not_configured";
  /** Stores a version's files; refused (false) when the version exists — versions are immutable. */
  put(version: string, files: ModelFiles, meta: PublishedModel): Promise<boolean>;
  get(version: string): Promise<ModelFiles | undefined>;
  /** Whether the version is published (checked before the gates run, so a duplicate costs no model load). */
  has(version: string): Promise<boolean>;
  list(): Promise<PublishedModel[]>;
}

/**
 * Bounds what one version may be: the Worker holds loaded models in a 128 MB isolate, and a publish holds its bytes
 * several times over while it is checked (the body, its text, the parsed base64, the decoded file, ORT's copy).
 */
export const MAX_ONNX_BYTES = 4 * 1024 * 1024;
export const MAX_SIDE_FILE_BYTES = 512 * 1024;
export const VERSION_PATTERN = /^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$/;
