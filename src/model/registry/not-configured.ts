import { refuseNotConfigured } from "../../errors/not-configured";
import type { ModelArtifacts } from "./interface";

const DETAIL = "No model registry is configured (the MODELS R2 binding): the bundled model is the only one";
const refuse = refuseNotConfigured(DETAIL);

export class NotConfiguredModelArtifacts implements ModelArtifacts {
  readonly kind = "not_configured" as const;
  put = refuse;
  get = refuse;
  has = refuse;
  list = refuse;
}
