import { FEATURE_NAMES } from "../../src/features";
import { TYPOLOGIES } from "../data/stream";
import { HashingWriter } from "../data/write";
import type { Dataset } from "./dataset";

/** One split's feature matrix as CSV: the features in model input order, then label, typology, weight, time. */
export async function writeFeaturesCsv(path: string, ds: Dataset, rows: Int32Array, weights?: Float64Array): Promise<void> {
  const out = new HashingWriter(path);
  await out.write(`${[...FEATURE_NAMES, "label", "typology", "weight", "t"].join(",")}\n`);
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    const values = Array.from(ds.X.subarray(r * ds.features, (r + 1) * ds.features));
    await out.write(`${values.join(",")},${ds.y[r]},${TYPOLOGIES[ds.typology[r]!]},${weights ? weights[k] : 1},${ds.t[r]}\n`);
  }
  await out.close();
}
