export {
  FEATURES,
  FEATURE_COUNT,
  FEATURE_NAMES,
  REASON_CODES,
  buildFeatureVector,
  entityIds,
  toBehaviourEvent,
  type FeatureGroup,
  type FeatureInfo,
} from "./definition";
export type { ScoringInput } from "../schemas/transaction";
export {
  DAY_MS,
  ENTITY_KINDS,
  HOUR_MS,
  MAX_EVENTS,
  MAX_EVENTS_PER_MERCHANT,
  RETENTION_MS,
  applyEvent,
  decodeEvent,
  emptyState,
  encodeEvent,
  type BehaviourEvent,
  type EntityKind,
  type EntityState,
} from "./state";
export { localTime } from "./calendar";
export { MCC_GROUPS, mccGroup } from "./mcc";
export { BehaviourReplay } from "./replay";
export { notProvided, reasonCode, type ReasonCodes } from "./reason-codes";
