import onnxProto from "onnx-proto";
import type { GbdtModel } from "./gbdt";

/**
 * The model as ONNX: an ai.onnx.ml TreeEnsembleRegressor (sum of leaf values plus the base score, BRANCH_LEQ
 * splits on float32 inputs) followed by a standard Sigmoid. Input `X` float32 [N, F] with a symbolic batch
 * dimension, output `score` float32 [N, 1] = P(fraud). Encoding is deterministic: same model, same bytes.
 */
const { onnx } = onnxProto;
const A = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

export const INPUT_NAME = "X";
export const OUTPUT_NAME = "score";

const utf8 = (s: string) => new TextEncoder().encode(s);
const ints = (name: string, v: number[]) => ({ name, type: A.INTS, ints: v });
const floats = (name: string, v: number[]) => ({ name, type: A.FLOATS, floats: v });
const strings = (name: string, v: string[]) => ({ name, type: A.STRINGS, strings: v.map(utf8) });
const int = (name: string, v: number) => ({ name, type: A.INT, i: v });
const str = (name: string, v: string) => ({ name, type: A.STRING, s: utf8(v) });

function tensorType(dims: (number | string)[]) {
  return {
    tensorType: {
      elemType: FLOAT,
      shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
    },
  };
}

export interface ExportMeta {
  featureNames: readonly string[];
  docString: string;
}

export function toOnnx(model: GbdtModel, meta: ExportMeta): Uint8Array {
  if (meta.featureNames.length !== model.features) throw new Error("feature names do not match the model's inputs");
  const n = {
    treeIds: [] as number[], nodeIds: [] as number[], featureIds: [] as number[], values: [] as number[],
    modes: [] as string[], trueIds: [] as number[], falseIds: [] as number[], missingTrue: [] as number[],
  };
  const target = { treeIds: [] as number[], nodeIds: [] as number[], ids: [] as number[], weights: [] as number[] };
  model.trees.forEach((tree, t) => {
    for (let node = 0; node < tree.feature.length; node++) {
      const leaf = tree.feature[node]! < 0;
      n.treeIds.push(t);
      n.nodeIds.push(node);
      n.featureIds.push(leaf ? 0 : tree.feature[node]!);
      n.values.push(leaf ? 0 : tree.threshold[node]!);
      n.modes.push(leaf ? "LEAF" : "BRANCH_LEQ");
      n.trueIds.push(leaf ? 0 : tree.left[node]!);
      n.falseIds.push(leaf ? 0 : tree.right[node]!);
      n.missingTrue.push(0);
      if (leaf) {
        target.treeIds.push(t);
        target.nodeIds.push(node);
        target.ids.push(0);
        target.weights.push(tree.value[node]!);
      }
    }
  });
  const ensemble = {
    name: "trees",
    opType: "TreeEnsembleRegressor",
    domain: "ai.onnx.ml",
    input: [INPUT_NAME],
    output: ["logit"],
    attribute: [
      str("aggregate_function", "SUM"),
      floats("base_values", [model.base]),
      int("n_targets", 1),
      ints("nodes_falsenodeids", n.falseIds),
      ints("nodes_featureids", n.featureIds),
      ints("nodes_missing_value_tracks_true", n.missingTrue),
      strings("nodes_modes", n.modes),
      ints("nodes_nodeids", n.nodeIds),
      ints("nodes_treeids", n.treeIds),
      ints("nodes_truenodeids", n.trueIds),
      floats("nodes_values", n.values),
      str("post_transform", "NONE"),
      ints("target_ids", target.ids),
      ints("target_nodeids", target.nodeIds),
      ints("target_treeids", target.treeIds),
      floats("target_weights", target.weights),
    ],
  };
  const sigmoid = { name: "probability", opType: "Sigmoid", input: ["logit"], output: [OUTPUT_NAME] };
  const proto = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "edge-fraud-scorer/scripts/train",
    producerVersion: "1",
    docString: meta.docString,
    opsetImport: [
      { domain: "", version: 13 },
      { domain: "ai.onnx.ml", version: 3 },
    ],
    metadataProps: [{ key: "feature_names", value: JSON.stringify(meta.featureNames) }],
    graph: {
      name: "fraud_gbdt",
      node: [ensemble, sigmoid],
      input: [{ name: INPUT_NAME, type: tensorType(["N", model.features]) }],
      output: [{ name: OUTPUT_NAME, type: tensorType(["N", 1]) }],
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}
