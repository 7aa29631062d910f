// Copies ONNX Runtime Web's WASM build into wasm/, where the Worker imports it as a precompiled module.
// Run on every install (package.json "postinstall") so wasm/ always matches the installed onnxruntime-web.
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const src = require.resolve("onnxruntime-web/ort-wasm-simd-threaded.wasm", { paths: [root] });
const dest = join(root, "wasm", "ort-wasm-simd-threaded.wasm");
mkdirSync(dirname(dest), { recursive: true });
copyFileSync(src, dest);
console.log(`wasm: copied ${src} → wasm/ (${(statSync(dest).size / 1e6).toFixed(1)} MB)`);
