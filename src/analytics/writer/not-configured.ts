import type { AnalyticsWriter } from "./interface";

/** No Analytics Engine binding: decisions are not recorded (the exporter then has nothing to read). */
export class NotConfiguredAnalyticsWriter implements AnalyticsWriter {
  readonly kind = "not_configured" as const;

  write(): void {}
}
