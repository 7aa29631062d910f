import type { Redis } from "@upstash/redis/cloudflare";
import { upstashRedis, type UpstashConnection } from "../upstash";
import { ROUTING_KEY, type RoutingStore, type StoredRouting } from "./interface";
import { ROUTING_REPLACE_SCRIPT } from "./scripts";

/** The routing in Upstash Redis: read with HMGET, replaced by a compare-and-set script (scripts.ts). */
export class RedisRoutingStore implements RoutingStore {
  readonly kind = "redis" as const;
  private readonly redis: Redis;
  private readonly replaceScript;

  constructor(opts: UpstashConnection & { timeoutMs: number }) {
    // An operator is waiting, not a checkout: one retry on a network error (the script is a compare-and-set).
    this.redis = upstashRedis({ ...opts, retries: 1 });
    this.replaceScript = this.redis.createScript<number | null>(ROUTING_REPLACE_SCRIPT);
  }

  async read(): Promise<StoredRouting> {
    const [stamp, doc] = (await this.redis.hmget(ROUTING_KEY, "stamp", "doc")) as unknown as [string | null, string | null];
    return { stamp: Number(stamp ?? 0), ...(doc && { doc }) };
  }

  async replace(expected: number, doc: string): Promise<number | false> {
    const stamp = await this.replaceScript.exec([ROUTING_KEY], [String(expected), doc, String(Date.now())]);
    return stamp === null ? false : Number(stamp);
  }
}
