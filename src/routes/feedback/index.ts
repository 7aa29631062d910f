import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/env";
import { registerFeedback } from "./labels";
import { registerReviews } from "./reviews";
import { registerTransaction } from "./transaction";

/** Labels, the review queue and the kept transactions (docs/feedback.md). */
export function registerFeedbackRoutes(app: OpenAPIHono<AppEnv>) {
  registerFeedback(app);
  registerReviews(app);
  registerTransaction(app);
}
