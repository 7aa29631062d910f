import { sha256HexOfBytes } from "../../utils/sha256";
import type { ModelArtifacts, ModelFiles, PublishedModel } from "./interface";

const FILES = { onnx: "model.onnx", card: "card.json", reference: "reference.json", report: "report.md" } as const;
const summaryKey = (version: string) => `models/${version}/summary.json`;
const uploadPrefix = (version: string, upload: string) => `models/${version}/${upload}/`;

interface Summary extends PublishedModel {
  /** The upload whose files are this version's. */
  upload: string;
}

/** Summaries read at a time when listing (an invocation's simultaneous connections are limited). */
const LIST_CONCURRENCY = 6;

/**
 * Model versions in R2. Each publish writes its files under an upload of its own,
 * `models/<version>/<upload id>/{model.onnx, card.json, reference.json, report.md}`, and then the version's
 * `models/<version>/summary.json` — only if absent (an R2 conditional put) — naming that upload. So a version is
 * its summary's upload and nothing else: two publishers of one version cannot mix their files (the loser's upload
 * is deleted), and an abandoned upload is never served. Reads check the ONNX file against the summary's SHA-256.
 */
export class R2ModelArtifacts implements ModelArtifacts {
  readonly kind = "r2" as const;

  constructor(private readonly bucket: R2Bucket) {}

  async has(version: string): Promise<boolean> {
    return (await this.bucket.head(summaryKey(version))) !== null;
  }

  async put(version: string, files: ModelFiles, meta: PublishedModel): Promise<boolean> {
    if (await this.has(version)) return false;
    const upload = crypto.randomUUID();
    const p = uploadPrefix(version, upload);
    const keys = [p + FILES.onnx, p + FILES.card, p + FILES.reference, ...(files.report !== undefined ? [p + FILES.report] : [])];
    await Promise.all([
      this.bucket.put(p + FILES.onnx, files.onnx),
      this.bucket.put(p + FILES.card, files.card),
      this.bucket.put(p + FILES.reference, files.reference),
      ...(files.report !== undefined ? [this.bucket.put(p + FILES.report, files.report)] : []),
    ]);
    const summary: Summary = { ...meta, upload };
    const written = await this.bucket.put(summaryKey(version), JSON.stringify(summary), { onlyIf: { etagDoesNotMatch: "*" } });
    if (written === null) await this.bucket.delete(keys).catch(() => undefined);
    return written !== null;
  }

  async get(version: string): Promise<ModelFiles | undefined> {
    const summary = await this.summary(version);
    if (!summary) return undefined;
    const p = uploadPrefix(version, summary.upload);
    const [card, onnx, reference, report] = await Promise.all([FILES.card, FILES.onnx, FILES.reference, FILES.report].map((f) => this.bucket.get(p + f)));
    if (!card || !onnx || !reference) throw new Error(`model ${version}: files of upload ${summary.upload} are missing`);
    const bytes = new Uint8Array(await onnx.arrayBuffer());
    if ((await sha256HexOfBytes(bytes)) !== summary.sha256) throw new Error(`model ${version}: the stored ONNX file is not the one published`);
    return { onnx: bytes, card: await card.text(), reference: await reference.text(), ...(report && { report: await report.text() }) };
  }

  async list(): Promise<PublishedModel[]> {
    const versions: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.bucket.list({ prefix: "models/", delimiter: "/", ...(cursor && { cursor }) });
      versions.push(...page.delimitedPrefixes.map((p) => p.slice("models/".length, -1)));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    const out: PublishedModel[] = [];
    for (let i = 0; i < versions.length; i += LIST_CONCURRENCY) {
      // A read that fails fails the listing (a 503): a published version must not silently drop out of it.
      const summaries = await Promise.all(versions.slice(i, i + LIST_CONCURRENCY).map((v) => this.summary(v)));
      for (const s of summaries) if (s) out.push({ version: s.version, id: s.id, created: s.created, published: s.published, onnx_bytes: s.onnx_bytes, sha256: s.sha256 });
    }
    return out.sort((a, b) => (a.published < b.published ? -1 : 1));
  }

  /** A version's summary; none while it is being written, or for an upload that lost. */
  private async summary(version: string): Promise<Summary | undefined> {
    const object = await this.bucket.get(summaryKey(version));
    return object ? (JSON.parse(await object.text()) as Summary) : undefined;
  }
}
