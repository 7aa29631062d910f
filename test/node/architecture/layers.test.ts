import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { checkImports, checkLayers, importsOf } from "../../../scripts/check-layers";

const SRC = fileURLToPath(new URL("../../../src", import.meta.url));

describe("the layers of src/ (docs/architecture.md)", () => {
  it("no import runs up a layer, no folder imports another in a loop, every folder has a layer", () => {
    const { violations } = checkLayers(SRC);
    expect(violations.map((v) => v.message)).toEqual([]);
  });

  it("reads the real imports, type-only and re-exports included", () => {
    const imports = importsOf(SRC);
    expect(imports).toContainEqual({ from: "routes/score", to: "pipeline" });
    expect(imports).toContainEqual({ from: "pipeline/run", to: "schemas/outcome" }); // `import type`
    expect(imports).toContainEqual({ from: "shared", to: "alerts/replay" }); // `export … from`
  });

  // The check must be able to fail: each kind of violation, on a made-up graph.
  it("reports an import from a lower layer to a higher one", () => {
    const { violations } = checkImports([{ from: "schemas/outcome", to: "pipeline/run" }]);
    expect(violations).toEqual([expect.objectContaining({ kind: "upward", message: expect.stringContaining("schemas/outcome imports pipeline/run") })]);
  });

  it("reports folders that import each other, even within one layer", () => {
    const { violations } = checkImports([
      { from: "alerts/raise", to: "analytics/record" },
      { from: "analytics/record", to: "auth/hash" },
      { from: "auth/hash", to: "alerts/alert" },
    ]);
    expect(violations).toEqual([{ kind: "cycle", message: "units import each other in a loop: alerts → analytics → auth → alerts" }]);
  });

  it("reads imports wherever they stand in a line", () => {
    // TypeScript's own pre-processor, not a line-anchored pattern.
    const info = ts.preProcessFile('const a = 1; import { b } from "../x"; /* c */ export * from "./y"; const z = import("./w");', true, true);
    expect(info.importedFiles.map((f) => f.fileName)).toEqual(["../x", "./y", "./w"]);
  });

  it("reports src/ importing code from outside it, but not the model files or package.json", () => {
    const { violations } = checkImports([
      { from: "routes/x", to: "../workers/metrics-exporter/src/run" },
      { from: "model/default-model", to: "../models/fraud-gbdt.onnx" },
      { from: "version", to: "../package" },
    ]);
    expect(violations).toEqual([expect.objectContaining({ kind: "outside", message: expect.stringContaining("routes/x imports workers/metrics-exporter/src/run") })]);
  });

  it("reports a folder that has no layer", () => {
    const { violations } = checkImports([{ from: "routes/x", to: "helpers/y" }]);
    expect(violations.map((v) => v.kind)).toEqual(["unplaced"]);
  });
});
