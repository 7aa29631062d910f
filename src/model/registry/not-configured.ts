import { NotConfiguredError } from "../../errors/not-configured";
import type { ModelArtifacts } from "./interface";

const DETAIL = "No model registry is configured (the MODELS R2 binding): the bundled model is the only one";
const refuse = async (): Promise<never> => {
  throw new NotConfiguredError(DETAIL);
};

export class NotConfiguredModelArtifacts implements ModelArtifacts {
  readonly kind = "not_configured" as const;
  put = refuse;
  get = refuse;
  list = refuse;
}
