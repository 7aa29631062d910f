import { ApiError } from "../errors/problem";
import type { FraudModel } from "../model/fraud-model";
import type { Services } from "../services";
import type { ScoreDeps } from "./score";

/** The model, or a 503 the caller can retry: without it there is nothing honest to answer. */
export async function loadModel(services: Services): Promise<FraudModel> {
  try {
    return await services.model();
  } catch (e) {
    console.error("model: load failed", e);
    throw new ApiError("model_unavailable", "The model failed to load on this edge node; retry shortly");
  }
}

/** What the data path needs from the isolate's services; a store failure is counted and logged, not thrown. */
export async function scoreDeps(services: Services): Promise<ScoreDeps> {
  return {
    model: await loadModel(services),
    store: services.store,
    onStoreError: (e) => {
      services.counters.storeErrors++;
      // The error's name only: Upstash errors quote the command, i.e. the transaction's entity ids.
      console.warn("feature store unavailable, scoring with neutral behaviour:", e instanceof Error ? e.name : typeof e);
    },
  };
}
