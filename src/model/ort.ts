import * as ort from "onnxruntime-web/wasm";
// A precompiled WebAssembly.Module: wrangler's CompiledWasm rule (workerd refuses to compile wasm from bytes).
import ortWasm from "../../wasm/ort-wasm-simd-threaded.wasm";

/**
 * ONNX Runtime Web inside workerd (see ../shared/notes/onnxruntime-in-workerd.md): no threads, no proxy worker,
 * and no run-time compilation of wasm bytes. ORT's Emscripten glue, when handed `wasmBinary`, calls
 * `WebAssembly.instantiate(bytes, imports)`; we hand it a placeholder and, during ORT's one-time backend
 * initialisation (the first session), instantiate the module wrangler precompiled instead.
 */
const PLACEHOLDER = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);

/** ORT may copy the buffer it was given, so the placeholder is recognised by its bytes. */
function isPlaceholder(source: unknown): boolean {
  const bytes =
    source instanceof ArrayBuffer ? new Uint8Array(source) : ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : undefined;
  return bytes !== undefined && bytes.length === PLACEHOLDER.length && bytes.every((b, i) => b === PLACEHOLDER[i]);
}

let backendReady: Promise<unknown> | undefined;

async function createWithPatchedInstantiate(model: Uint8Array): Promise<ort.InferenceSession> {
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmBinary = PLACEHOLDER;
  ort.env.logLevel = "error";
  const original = WebAssembly.instantiate;
  WebAssembly.instantiate = ((source: unknown, imports?: WebAssembly.Imports) => {
    if (isPlaceholder(source)) {
      return original(ortWasm, imports).then((instance) => ({ instance, module: ortWasm }));
    }
    return (original as (s: unknown, i?: WebAssembly.Imports) => Promise<unknown>)(source, imports);
  }) as typeof WebAssembly.instantiate;
  try {
    return await ort.InferenceSession.create(model, sessionOptions);
  } finally {
    WebAssembly.instantiate = original;
  }
}

const sessionOptions: ort.InferenceSession.SessionOptions = {
  executionProviders: ["wasm"],
  graphOptimizationLevel: "all",
};

/** Creates an inference session. The first call in an isolate also initialises the wasm backend. */
export async function createSession(model: ArrayBuffer | Uint8Array): Promise<ort.InferenceSession> {
  const bytes = model instanceof Uint8Array ? model : new Uint8Array(model);
  if (!backendReady) {
    const first = createWithPatchedInstantiate(bytes);
    backendReady = first.catch(() => (backendReady = undefined));
    return first;
  }
  await backendReady;
  return ort.InferenceSession.create(bytes, sessionOptions);
}

export { ort };
