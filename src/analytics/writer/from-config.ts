import type { Config } from "../../config";
import { AE_DATASET } from "../schema";
import { AnalyticsEngineWriter } from "./analytics-engine";
import { ForwardingAnalyticsWriter } from "./forward";
import type { AnalyticsWriter } from "./interface";
import { MemoryAnalyticsWriter } from "./memory";
import { NotConfiguredAnalyticsWriter } from "./not-configured";

/**
 * The writer for the DECISIONS binding; ANALYTICS_FORWARD_URL (development) sends the points to the local AE stand-in
 * instead, and BACKENDS=memory keeps them in the isolate.
 */
export function analyticsWriterFrom(config: Config, dataset: AnalyticsEngineDataset | undefined): AnalyticsWriter {
  if (config.ANALYTICS_FORWARD_URL) return new ForwardingAnalyticsWriter(config.ANALYTICS_FORWARD_URL, AE_DATASET);
  if (config.BACKENDS === "memory") return new MemoryAnalyticsWriter();
  return dataset ? new AnalyticsEngineWriter(dataset) : new NotConfiguredAnalyticsWriter();
}
