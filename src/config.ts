import { z } from "zod";

/**
 * The Worker's configuration, from its bindings (wrangler.toml [vars] and secrets). Parsed once per isolate.
 * Missing optional services leave the scorer working with less (e.g. no Redis → neutral behaviour, flagged).
 */
const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);
/** An empty variable means "not set" (`wrangler dev --var X:` or an emptied dashboard field). */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

export const ConfigSchema = z.object({
  ENVIRONMENT: z.string().default("development"),
  UPSTASH_REDIS_REST_URL: optional(z.url()),
  UPSTASH_REDIS_REST_TOKEN: optional(z.string()),
  /** Budget for the feature-store round trip; past it the score goes on without behavioural state. */
  REDIS_TIMEOUT_MS: ms(150),
});
export type Config = z.infer<typeof ConfigSchema>;

/** The bindings this Worker reads; everything is optional so a bare `wrangler dev` still serves. */
export type Bindings = Partial<Record<keyof z.input<typeof ConfigSchema>, string>> & {
  DECISIONS?: AnalyticsEngineDataset;
};

const cache = new WeakMap<object, Config>();
export function configFrom(env: Bindings): Config {
  let c = cache.get(env);
  if (!c) {
    c = ConfigSchema.parse(env);
    cache.set(env, c);
  }
  return c;
}
