import type { ModelArtifacts, ModelFiles, PublishedModel } from "./interface";

const prefix = (version: string) => `models/${version}/`;
const FILES = { onnx: "model.onnx", card: "card.json", reference: "reference.json", report: "report.md", summary: "summary.json" } as const;

/**
 * Model versions in R2: `models/<version>/{model.onnx, card.json, reference.json, report.md, summary.json}`. The
 * summary is written last, only if absent (an R2 conditional put): a version exists once its summary does, and
 * two publishers of one version cannot both win.
 */
export class R2ModelArtifacts implements ModelArtifacts {
  readonly kind = "r2" as const;

  constructor(private readonly bucket: R2Bucket) {}

  async put(version: string, files: ModelFiles, meta: PublishedModel): Promise<boolean> {
    const p = prefix(version);
    if (await this.bucket.head(p + FILES.summary)) return false;
    await Promise.all([
      this.bucket.put(p + FILES.onnx, files.onnx),
      this.bucket.put(p + FILES.card, files.card),
      this.bucket.put(p + FILES.reference, files.reference),
      ...(files.report !== undefined ? [this.bucket.put(p + FILES.report, files.report)] : []),
    ]);
    const written = await this.bucket.put(p + FILES.summary, JSON.stringify(meta), { onlyIf: { etagDoesNotMatch: "*" } });
    return written !== null;
  }

  async get(version: string): Promise<ModelFiles | undefined> {
    const p = prefix(version);
    const [summary, card, onnx, reference, report] = await Promise.all([FILES.summary, FILES.card, FILES.onnx, FILES.reference, FILES.report].map((f) => this.bucket.get(p + f)));
    if (!summary || !card || !onnx || !reference) return undefined;
    return {
      onnx: new Uint8Array(await onnx.arrayBuffer()),
      card: await card.text(),
      reference: await reference.text(),
      ...(report && { report: await report.text() }),
    };
  }

  async list(): Promise<PublishedModel[]> {
    const prefixes: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.bucket.list({ prefix: "models/", delimiter: "/", ...(cursor && { cursor }) });
      prefixes.push(...page.delimitedPrefixes);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    const summaries = await Promise.all(prefixes.map((p) => this.bucket.get(p + FILES.summary)));
    const out: PublishedModel[] = [];
    for (const s of summaries) {
      if (!s) continue; // a version still being written, or abandoned half-way: not published
      try {
        out.push(JSON.parse(await s.text()) as PublishedModel);
      } catch {
        // not written by publish
      }
    }
    return out.sort((a, b) => (a.published < b.published ? -1 : 1));
  }
}
