import { ApiError } from "../errors/problem";
import type { FraudModel } from "./fraud-model";

/** The model, or a 503 the caller can retry: without it there is nothing honest to answer. */
export async function loadModel(model: () => Promise<FraudModel>): Promise<FraudModel> {
  try {
    return await model();
  } catch (e) {
    console.error("model: load failed", e);
    throw new ApiError("model_unavailable", "The model failed to load on this edge node; retry shortly");
  }
}
