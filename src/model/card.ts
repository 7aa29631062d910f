import { z } from "zod";

/**
 * The model card written by the training pipeline next to each ONNX file and read by the Worker: it names the
 * inputs in order, the decision thresholds, the evaluation, and the training baselines used for reasons,
 * degraded-mode defaults and drift.
 */

/**
 * A histogram over fixed bins: `edges` are the ascending inner cut points; bin i holds values v with
 * edges[i-1] < v <= edges[i] (the first bin is everything <= edges[0], the last everything > edges[last]).
 * `proportions` has edges.length + 1 entries summing to 1.
 */
export const HistogramSchema = z.object({
  edges: z.array(z.number()),
  proportions: z.array(z.number().min(0).max(1)),
});
export type Histogram = z.infer<typeof HistogramSchema>;

/** How a feature's value becomes a reason code (src/features/reason-codes.ts ReasonCodes, docs/reasons.md). */
export const ReasonCodesSchema = z.object({
  above: z.string(),
  below: z.string(),
  values: z.record(z.string(), z.string()).optional(),
  pivot: z.number().optional(),
  fixed: z.object({ low: z.number(), high: z.number(), between: z.string().optional() }).optional(),
});

/** One model input, in column order. */
export const CardFeatureSchema = z.object({
  name: z.string(),
  group: z.enum(["transaction", "edge", "behaviour"]),
  description: z.string(),
  reason: ReasonCodesSchema,
  entity: z.enum(["card", "device", "ip", "customer"]).optional(),
});

export const ModelCardSchema = z.object({
  id: z.string(),
  version: z.string(),
  created: z.string(),
  description: z.string(),
  algorithm: z.string(),
  /** ONNX file name, relative to the card, and its SHA-256 (hex). */
  file: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  features: z.array(CardFeatureSchema),
  input: z.object({ name: z.string(), dtype: z.literal("float32"), shape: z.tuple([z.null(), z.number().int()]) }),
  /** Output tensor holding P(fraud) per row, shape [N, 1] or [N]. */
  output: z.object({ name: z.string(), dtype: z.literal("float32") }),
  thresholds: z.object({
    review: z.number().min(0).max(1),
    decline: z.number().min(0).max(1),
    /** How the thresholds were chosen (targets and the validation figures they met). */
    rationale: z.string(),
  }),
  /** Test-set evaluation: roc_auc, pr_auc, recall_at_1pct_fpr, … */
  metrics: z.record(z.string(), z.number()),
  training_data: z.object({
    fingerprint: z.string(),
    generator: z.string(),
    seed: z.number(),
    rows: z.number().int(),
    fraud_rate: z.number(),
    from: z.string(),
    to: z.string(),
  }),
  baselines: z.object({
    /** The neutral value of each feature (its median among legitimate training rows): used for reasons and as
     * the stand-in when a feature cannot be computed (e.g. Redis down). */
    reference: z.record(z.string(), z.number()),
    features: z.record(z.string(), HistogramSchema),
    score: HistogramSchema,
  }),
});
export type ModelCard = z.infer<typeof ModelCardSchema>;
