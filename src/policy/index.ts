export { decideWithPolicy, type DecisionSource, type PolicyHit, type PolicyOutcome } from "./evaluate";
export { listProbes, networkOf, type ListProbe } from "./lookup";
export { RangeIndex, inRange, listEntryId, listField, normalizeListValue, rangeOf, type IpRange } from "./values";
export { PolicyViews, parseListEntry, type PolicyView } from "./view";
export { RULE_CONTEXT, compileRule, ruleContext, type CompiledRule, type RuleContext, type RuleProblem } from "./rules";
export { TEST_CARDS, testCard } from "./test-mode";
