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
  type FraudMark,
} from "./state";
export { CONFIRMED_WINDOW_MS, MARKED_KINDS, MAX_MARKS, MAX_MARKS_PER_MERCHANT, applyMark, confirmedMerchants, decodeMark, encodeMark } from "./fraud-marks";
export { localTime } from "./calendar";
export { MCC_GROUPS, mccGroup } from "./mcc";
export { BehaviourReplay } from "./replay";
export { notProvided, reasonCode, type ReasonCodes } from "./reason-codes";
