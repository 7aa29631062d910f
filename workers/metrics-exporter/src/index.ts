import cardJson from "../../../models/fraud-gbdt.card.json";
import { ModelCardSchema } from "../../../src/shared";
import type { ExporterBindings } from "./config";
import { runExporter } from "./run";

/**
 * The scheduled metrics exporter (cron: every minute, wrangler.toml). Bundles the same model card as the
 * scoring Worker: drift is measured against the baseline of the model version it was built with.
 */
const card = ModelCardSchema.parse(cardJson);

export default {
  async scheduled(controller, env) {
    const report = await runExporter(env, card, controller.scheduledTime);
    console.log(`exporter: ${JSON.stringify(report)}`);
    const failed = [report.replay, report.outbox, report.metrics].filter((p) => "failed" in p);
    // A failed phase fails the invocation, so it shows in the cron's history and its alerting.
    if (failed.length > 0) throw new Error(`exporter: ${failed.map((p) => ("failed" in p ? p.failed : "")).join("; ")}`);
  },
} satisfies ExportedHandler<ExporterBindings>;
