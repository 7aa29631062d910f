import card from "../../models/fraud-gbdt.card.json";
import bytes from "../../models/fraud-gbdt.onnx";
import { FraudModel } from "./fraud-model";

/**
 * The model bundled with this build, loaded once per isolate on first use. Lazy rather than at start-up:
 * workerd allows 1 s for the global scope and ORT's initialisation alone takes a few hundred milliseconds
 * (measured in docs/benchmarks.md), and /health or /openapi.json should not pay for it.
 */
let loading: Promise<FraudModel> | undefined;

/** The bundled model's version: what the routing names it by. */
export const BUNDLED_VERSION: string = card.version;

export function defaultModel(): Promise<FraudModel> {
  loading ??= FraudModel.load(bytes, card).catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}
