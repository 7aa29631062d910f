/**
 * The layering rule of src/ (docs/architecture.md), checked from the imports themselves: every file belongs to a
 * unit — its top folder under src/, or itself for a file at the root — and every unit to a layer. An import may
 * only reach its own layer or one below, and the units must not import each other in a loop (within a layer
 * either). Type-only imports count: a type that several layers share belongs in the lowest of them.
 *
 *   npm run check:layers       prints the unit graph and every violation; exits 1 when there is one
 * test/node/architecture/layers.test.ts runs it in `npm test`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { isMain, runMain } from "./cli";

/** Lowest first. A unit missing from this table is itself a violation: a new folder needs a place. */
export const LAYERS: readonly (readonly string[])[] = [
  ["schemas", "errors", "config", "utils", "version"],
  ["features", "store", "model"],
  ["scoring", "policy", "alerts", "analytics", "auth", "feedback"],
  ["pipeline"],
  ["http"],
  ["routes", "stream"],
  ["app", "shared", "index"],
];

export interface Import {
  from: string;
  to: string;
}

export interface Violation {
  kind: "upward" | "cycle" | "unplaced" | "outside";
  message: string;
}

/** What src/ may import from beside itself: data, not code (the bundled model and card, the wasm, package.json). */
const DATA_OUTSIDE_SRC = [/^models\//, /^wasm\//, /^package(\.json)?$/];

/**
 * Relative imports of every .ts file under `srcDir` (TypeScript's own reading of the file: `import`, `import type`,
 * `export … from`, `import()`, wherever they stand), as paths relative to it without extension. Imports that
 * leave src/ are returned with `to` starting "../".
 */
export function importsOf(srcDir: string): Import[] {
  const out: Import[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts")) {
        const { importedFiles } = ts.preProcessFile(readFileSync(path, "utf8"), true, true);
        for (const { fileName: spec } of importedFiles) {
          if (!spec.startsWith(".")) continue;
          out.push({ from: rel(srcDir, path), to: rel(srcDir, resolve(dirname(path), spec)) });
        }
      }
    }
  };
  walk(srcDir);
  return out;
}

const rel = (root: string, path: string) => relative(root, path).replace(/\\/g, "/").replace(/\.(ts|js|json)$/, "");

/** The unit of a file: its top folder, or the file's own name at the root of src/. */
export const unitOf = (file: string) => file.split("/")[0]!;

export function checkImports(imports: readonly Import[], layers: readonly (readonly string[])[] = LAYERS): { violations: Violation[]; edges: Map<string, Set<string>> } {
  const rank = new Map<string, number>();
  layers.forEach((units, i) => units.forEach((u) => rank.set(u, i)));
  const violations: Violation[] = [];
  const edges = new Map<string, Set<string>>();
  const unplaced = new Set<string>();
  for (const { from, to } of imports) {
    if (to.startsWith("../")) {
      const outside = to.slice(3);
      if (!DATA_OUTSIDE_SRC.some((d) => d.test(outside))) violations.push({ kind: "outside", message: `${from} imports ${outside}: src/ imports only itself (and data: models/, wasm/, package.json)` });
      continue;
    }
    const a = unitOf(from);
    const b = unitOf(to);
    for (const u of [a, b]) if (!rank.has(u)) unplaced.add(u);
    if (a === b) continue;
    if (!edges.has(a)) edges.set(a, new Set());
    edges.get(a)!.add(b);
    if (rank.has(a) && rank.has(b) && rank.get(b)! > rank.get(a)!) {
      violations.push({ kind: "upward", message: `${from} imports ${to}: ${a} (layer ${rank.get(a)}) may not import ${b} (layer ${rank.get(b)})` });
    }
  }
  for (const u of unplaced) violations.push({ kind: "unplaced", message: `${u} is in no layer (scripts/check-layers.ts LAYERS)` });
  for (const cycle of cyclesOf(edges)) violations.push({ kind: "cycle", message: `units import each other in a loop: ${[...cycle, cycle[0]].join(" → ")}` });
  return { violations, edges };
}

/** Every elementary loop found by a depth-first search, each reported once (from its smallest unit). */
function cyclesOf(edges: Map<string, Set<string>>): string[][] {
  const found = new Map<string, string[]>();
  const visit = (start: string, at: string, path: string[]) => {
    for (const next of edges.get(at) ?? []) {
      if (next === start) {
        const key = [...path].sort().join(",");
        if (!found.has(key)) found.set(key, [...path]);
      } else if (!path.includes(next) && next > start) visit(start, next, [...path, next]);
    }
  };
  for (const start of [...edges.keys()].sort()) visit(start, start, [start]);
  return [...found.values()];
}

export function checkLayers(srcDir: string) {
  return checkImports(importsOf(srcDir));
}

async function main(): Promise<void> {
  const src = join(dirname(fileURLToPath(import.meta.url)), "..", "src");
  const { violations, edges } = checkLayers(src);
  LAYERS.forEach((units, i) => {
    console.log(`layer ${i}: ${units.map((u) => `${u}${edges.has(u) ? ` → ${[...edges.get(u)!].sort().join(", ")}` : ""}`).join("; ")}`);
  });
  if (violations.length === 0) {
    console.log("check-layers: no import runs up a layer, no unit loop");
    return;
  }
  for (const v of violations) console.error(`check-layers: ${v.kind}: ${v.message}`);
  process.exitCode = 1;
}

if (isMain(import.meta.url)) runMain(main);
