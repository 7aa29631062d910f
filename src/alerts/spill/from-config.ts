import type { Config } from "../../config";
import { upstashFrom } from "../../store/upstash";
import type { AlertSpill } from "./interface";
import { MemoryAlertSpill } from "./memory";
import { NotConfiguredAlertSpill } from "./not-configured";
import { RedisAlertSpill } from "./redis";

/** The spill lives in the feature store's Redis (or, with BACKENDS=memory, beside it in the isolate). */
export function alertSpillFrom(config: Pick<Config, "BACKENDS" | "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN">): AlertSpill {
  if (config.BACKENDS === "memory") return new MemoryAlertSpill();
  const redis = upstashFrom(config);
  return redis ? new RedisAlertSpill(redis) : new NotConfiguredAlertSpill();
}
