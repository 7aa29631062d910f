import type { InferenceSession } from "onnxruntime-web/wasm";
import { FEATURE_NAMES } from "../features";
import { ModelCardSchema, type ModelCard } from "./card";
import { createSession, ort } from "./ort";
import { readTreeEnsemble, type TreeEnsemble } from "./trees";

/**
 * The served model: an ONNX session plus its card, and its trees read from the same bytes (what reasons explain).
 * It refuses a card whose features are not, in order, the features this build computes — serving a model on
 * misaligned inputs would be silently wrong — and a graph whose trees it cannot read.
 */
export class FraudModel {
  private constructor(
    readonly card: ModelCard,
    readonly trees: TreeEnsemble,
    private readonly session: InferenceSession,
  ) {}

  static async load(bytes: ArrayBuffer | Uint8Array, card: unknown): Promise<FraudModel> {
    const parsed = ModelCardSchema.parse(card);
    const names = parsed.features.map((f) => f.name);
    if (names.length !== FEATURE_NAMES.length || names.some((n, i) => n !== FEATURE_NAMES[i])) {
      throw new Error(
        `model ${parsed.id}@${parsed.version} expects features [${names.join(",")}] but this build computes [${FEATURE_NAMES.join(",")}]`,
      );
    }
    const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const trees = readTreeEnsemble(view, parsed.features.length);
    return new FraudModel(parsed, trees, await createSession(view));
  }

  get width(): number {
    return this.card.features.length;
  }

  /** Frees the ONNX Runtime session (its WASM memory); ORT Web frees nothing on its own. The model is unusable after. */
  async release(): Promise<void> {
    await this.session.release();
  }

  /** P(fraud) for each of the `rows.length / width` rows, in one call to the runtime. */
  async score(rows: Float32Array): Promise<Float32Array> {
    const n = rows.length / this.width;
    const input = new ort.Tensor("float32", rows, [n, this.width]);
    const out = await this.session.run({ [this.card.input.name]: input });
    const tensor = out[this.card.output.name];
    if (!tensor) throw new Error(`model output ${this.card.output.name} missing`);
    return tensor.data as Float32Array;
  }
}
