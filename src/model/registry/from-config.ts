import type { Bindings, Config } from "../../config";
import type { ModelArtifacts } from "./interface";
import { MemoryModelArtifacts } from "./memory";
import { NotConfiguredModelArtifacts } from "./not-configured";
import { R2ModelArtifacts } from "./r2";

/** The registry's storage: the MODELS bucket when bound, memory with BACKENDS=memory, else none. */
export function modelArtifactsFrom(config: Config, bucket: Bindings["MODELS"]): ModelArtifacts {
  if (bucket) return new R2ModelArtifacts(bucket);
  if (config.BACKENDS === "memory") return new MemoryModelArtifacts();
  return new NotConfiguredModelArtifacts();
}
