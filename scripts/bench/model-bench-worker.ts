/**
 * Benchmark entry point (not deployed): times the served model inside workerd. GET /?rows=N&iters=K runs K
 * inferences of N rows and answers the mean time per call. workerd's clock has 1 ms resolution, so the mean over
 * many calls is what is meaningful, not any single call.
 */
import { FEATURE_COUNT } from "../../src/features";
import { defaultModel } from "../../src/model/default-model";

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const rows = Number(url.searchParams.get("rows") ?? 1);
    const iters = Number(url.searchParams.get("iters") ?? 100);
    const initStart = performance.now();
    const model = await defaultModel();
    const initMs = performance.now() - initStart;
    const input = new Float32Array(rows * FEATURE_COUNT);
    for (let i = 0; i < input.length; i++) input[i] = ((i * 2654435761) % 1000) / 100 - 1;
    await model.score(input); // warm
    const start = performance.now();
    for (let i = 0; i < iters; i++) await model.score(input);
    const totalMs = performance.now() - start;
    return Response.json({ rows, iters, init_ms: initMs, ms_per_call: totalMs / iters, us_per_row: (totalMs * 1000) / iters / rows });
  },
};
