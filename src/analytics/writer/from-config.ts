import type { Config } from "../../config";
import { AnalyticsEngineWriter } from "./analytics-engine";
import type { AnalyticsWriter } from "./interface";
import { MemoryAnalyticsWriter } from "./memory";
import { NotConfiguredAnalyticsWriter } from "./not-configured";

/** The writer for the DECISIONS binding; BACKENDS=memory keeps the points in the isolate instead. */
export function analyticsWriterFrom(config: Config, dataset: AnalyticsEngineDataset | undefined): AnalyticsWriter {
  if (config.BACKENDS === "memory") return new MemoryAnalyticsWriter();
  return dataset ? new AnalyticsEngineWriter(dataset) : new NotConfiguredAnalyticsWriter();
}
