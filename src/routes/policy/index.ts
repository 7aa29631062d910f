import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env";
import { registerListEntries } from "./list-entries";
import { registerListEntry } from "./list-entry";
import { registerPutListEntry } from "./list-entry-put";
import { registerRules } from "./rules";
import { registerPolicySettings } from "./settings";

/** The merchant's policy (docs/policy.md): lists under /v1/lists, rules under /v1/rules, thresholds and the audit trail under /v1/policy. */
export function registerPolicy(app: OpenAPIHono<AppEnv>) {
  registerPutListEntry(app);
  registerListEntries(app);
  registerListEntry(app);
  registerPolicySettings(app);
  registerRules(app);
}
