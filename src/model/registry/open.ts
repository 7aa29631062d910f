import { FraudModel } from "../fraud-model";
import type { ModelArtifacts } from "./interface";

/** A published version opened for serving: its files from the registry, its card checked against this build. */
export function openPublished(artifacts: ModelArtifacts): (version: string) => Promise<FraudModel> {
  return async (version) => {
    const files = await artifacts.get(version);
    if (!files) throw new Error(`model ${version} is not in the registry`);
    const model = await FraudModel.load(files.onnx, JSON.parse(files.card));
    if (model.card.version !== version) {
      await model.release();
      throw new Error(`model ${version}: its card names version ${model.card.version}`);
    }
    return model;
  };
}
