import { fields, pushFloats, pushInts, text, type Field } from "../utils/protobuf";

/**
 * The trees of the served ONNX model, read from the same bytes ONNX Runtime runs, so what explains a score
 * (src/scoring/attribution.ts) is the model that produced it. The graph the training pipeline writes is one
 * ai.onnx.ml TreeEnsembleRegressor (aggregate SUM, one target, no post-transform: the log-odds) feeding a Sigmoid;
 * a model of another shape is refused here rather than explained wrongly.
 */
export interface Tree {
  /** The node no other node points at. */
  root: number;
  /** Per node: the input column it splits on, -1 at a leaf. */
  feature: Int32Array;
  threshold: Float32Array;
  mode: Uint8Array;
  /** Per node: where a row goes when the condition holds / does not. */
  yes: Int32Array;
  no: Int32Array;
  /** Per node: whether a missing (NaN) input goes to `yes`. */
  missingYes: Uint8Array;
  /** Per leaf node: its weight (the sum of its target weights). */
  value: Float64Array;
}

export interface TreeEnsemble {
  /** The log-odds every row starts from (base_values). */
  base: number;
  trees: Tree[];
  /** The most splits on any root-to-leaf path. */
  maxDepth: number;
}

const MODES = ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"] as const;
const LEAF = 255;

/** Whether a row with value `x` takes the `yes` branch of a split (ONNX TreeEnsemble semantics, float32). */
export function goesYes(mode: number, x: number, threshold: number, missingYes: number): boolean {
  if (Number.isNaN(x)) return missingYes === 1;
  switch (mode) {
    case 0:
      return x <= threshold;
    case 1:
      return x < threshold;
    case 2:
      return x >= threshold;
    case 3:
      return x > threshold;
    case 4:
      return x === threshold;
    default:
      return x !== threshold;
  }
}

/** The log-odds of one row (columns `row[at … at + width)`), as the ensemble computes it. */
export function margin(ensemble: TreeEnsemble, row: ArrayLike<number>, at = 0): number {
  let sum = ensemble.base;
  for (const t of ensemble.trees) {
    let node = t.root;
    while (t.feature[node]! >= 0) {
      node = goesYes(t.mode[node]!, row[at + t.feature[node]!]!, t.threshold[node]!, t.missingYes[node]!) ? t.yes[node]! : t.no[node]!;
    }
    sum += t.value[node]!;
  }
  return sum;
}

export class UnsupportedModelError extends Error {
  override name = "UnsupportedModelError";
}

interface Attributes {
  ints: Map<string, number[]>;
  floats: Map<string, number[]>;
  strings: Map<string, string[]>;
  string: Map<string, string>;
}

interface OnnxNode {
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Attributes;
}

/** ModelProto.graph (7) → GraphProto.node (1) → NodeProto {input 1, output 2, op_type 4, attribute 5, domain 7}. */
function graphNodes(model: Uint8Array): OnnxNode[] {
  const nodes: OnnxNode[] = [];
  for (const m of fields(model)) {
    if (m.number !== 7) continue;
    for (const g of fields(m.bytes)) if (g.number === 1) nodes.push(readNode(g.bytes));
  }
  return nodes;
}

function readNode(bytes: Uint8Array): OnnxNode {
  const node: OnnxNode = { opType: "", domain: "", inputs: [], outputs: [], attributes: { ints: new Map(), floats: new Map(), strings: new Map(), string: new Map() } };
  for (const f of fields(bytes)) {
    if (f.number === 1) node.inputs.push(text(f));
    else if (f.number === 2) node.outputs.push(text(f));
    else if (f.number === 4) node.opType = text(f);
    else if (f.number === 7) node.domain = text(f);
    else if (f.number === 5) readAttribute(f, node.attributes);
  }
  return node;
}

/** AttributeProto {name 1, f 2, i 3, s 4, floats 7, ints 8, strings 9}; tensor-valued attributes are not read. */
function readAttribute(attr: Field, into: Attributes): void {
  let name = "";
  const ints: number[] = [];
  const floats: number[] = [];
  const strings: string[] = [];
  let s: string | undefined;
  for (const f of fields(attr.bytes)) {
    if (f.number === 1) name = text(f);
    else if (f.number === 2) pushFloats(f, floats);
    else if (f.number === 3 || f.number === 8) pushInts(f, ints);
    else if (f.number === 7) pushFloats(f, floats);
    else if (f.number === 4) s = text(f);
    else if (f.number === 9) strings.push(text(f));
  }
  if (ints.length > 0) into.ints.set(name, ints);
  if (floats.length > 0) into.floats.set(name, floats);
  if (strings.length > 0) into.strings.set(name, strings);
  if (s !== undefined) into.string.set(name, s);
}

/** The trees of a model whose graph is TreeEnsembleRegressor (SUM) → Sigmoid, each split on a column < width. */
export function readTreeEnsemble(model: Uint8Array, width: number): TreeEnsemble {
  const nodes = graphNodes(model);
  const ensembles = nodes.filter((n) => n.opType === "TreeEnsembleRegressor" && n.domain === "ai.onnx.ml");
  const sigmoid = nodes.find((n) => n.opType === "Sigmoid");
  if (nodes.length !== 2 || ensembles.length !== 1 || !sigmoid || sigmoid.inputs[0] !== ensembles[0]!.outputs[0]) {
    throw new UnsupportedModelError(`expected a TreeEnsembleRegressor feeding a Sigmoid, found ${nodes.map((n) => n.opType).join(" → ") || "no nodes"}`);
  }
  const a = ensembles[0]!.attributes;
  const need = <T>(m: Map<string, T[]>, key: string): T[] => {
    const v = m.get(key);
    if (!v) throw new UnsupportedModelError(`TreeEnsembleRegressor without ${key} (tensor-valued attributes are not read)`);
    return v;
  };
  for (const [key, want] of [["aggregate_function", "SUM"], ["post_transform", "NONE"]] as const) {
    const got = a.string.get(key) ?? (key === "aggregate_function" ? "SUM" : "NONE");
    if (got !== want) throw new UnsupportedModelError(`${key} is ${got}, expected ${want}`);
  }
  if ((a.ints.get("n_targets")?.[0] ?? 1) !== 1) throw new UnsupportedModelError("more than one target");

  const treeIds = need(a.ints, "nodes_treeids");
  const nodeIds = need(a.ints, "nodes_nodeids");
  const featureIds = need(a.ints, "nodes_featureids");
  const values = need(a.floats, "nodes_values");
  const modes = need(a.strings, "nodes_modes");
  const trueIds = need(a.ints, "nodes_truenodeids");
  const falseIds = need(a.ints, "nodes_falsenodeids");
  const missing = a.ints.get("nodes_missing_value_tracks_true") ?? [];
  const targetTrees = need(a.ints, "target_treeids");
  const targetNodes = need(a.ints, "target_nodeids");
  const weights = need(a.floats, "target_weights");
  const n = treeIds.length;
  if ([nodeIds, featureIds, values, modes, trueIds, falseIds].some((col) => col.length !== n)) throw new UnsupportedModelError("node attributes of different lengths");

  // Node ids are per tree; index them densely, tree by tree, in the order the model lists them.
  const byTree = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let list = byTree.get(treeIds[i]!);
    if (!list) byTree.set(treeIds[i]!, (list = []));
    list.push(i);
  }
  const leafWeight = new Map<string, number>();
  targetTrees.forEach((t, i) => {
    const key = `${t}:${targetNodes[i]!}`;
    leafWeight.set(key, (leafWeight.get(key) ?? 0) + weights[i]!);
  });

  const trees: Tree[] = [];
  let maxDepth = 0;
  for (const [treeId, members] of byTree) {
    const size = members.length;
    const index = new Map(members.map((m, k) => [nodeIds[m]!, k]));
    const t = emptyTree(size);
    const referenced = new Uint8Array(size);
    members.forEach((m, k) => {
      const mode = modes[m]!;
      if (mode === "LEAF") {
        t.feature[k] = -1;
        t.mode[k] = LEAF;
        t.value[k] = leafWeight.get(`${treeId}:${nodeIds[m]!}`) ?? 0;
        return;
      }
      const code = MODES.indexOf(mode as (typeof MODES)[number]);
      if (code < 0) throw new UnsupportedModelError(`split mode ${mode}`);
      const column = featureIds[m]!;
      if (column >= width) throw new UnsupportedModelError(`tree ${treeId} splits on column ${column} of ${width}`);
      const yes = index.get(trueIds[m]!);
      const no = index.get(falseIds[m]!);
      if (yes === undefined || no === undefined) throw new UnsupportedModelError(`tree ${treeId} node ${nodeIds[m]!} points at a missing node`);
      [t.feature[k], t.threshold[k], t.mode[k], t.yes[k], t.no[k], t.missingYes[k]] = [column, values[m]!, code, yes, no, missing[m] ? 1 : 0];
      referenced[yes] = referenced[yes]! + 1;
      referenced[no] = referenced[no]! + 1;
    });
    const roots = [...referenced.keys()].filter((k) => referenced[k] === 0);
    if (roots.length !== 1 || referenced.some((r) => r > 1)) throw new UnsupportedModelError(`tree ${treeId} is not a tree`);
    t.root = roots[0]!;
    maxDepth = Math.max(maxDepth, depthOf(t));
    trees.push(t);
  }
  const base = a.floats.get("base_values")?.[0] ?? 0;
  return { base, trees, maxDepth };
}

/** A tree of `size` nodes, all zero: filled in by a reader (or a test's generator). */
export function emptyTree(size: number): Tree {
  return {
    root: 0,
    feature: new Int32Array(size),
    threshold: new Float32Array(size),
    mode: new Uint8Array(size),
    yes: new Int32Array(size),
    no: new Int32Array(size),
    missingYes: new Uint8Array(size),
    value: new Float64Array(size),
  };
}

/** The most splits on any path from `node` down. */
export function depthOf(t: Tree, node = t.root): number {
  return t.feature[node]! < 0 ? 0 : 1 + Math.max(depthOf(t, t.yes[node]!), depthOf(t, t.no[node]!));
}
