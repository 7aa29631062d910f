import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
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

  it("reports a folder that has no layer", () => {
    const { violations } = checkImports([{ from: "routes/x", to: "helpers/y" }]);
    expect(violations.map((v) => v.kind)).toEqual(["unplaced"]);
  });
});
