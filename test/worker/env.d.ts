import type { Bindings } from "../../src/config";

declare global {
  namespace Cloudflare {
    // The test Worker's bindings are the scoring Worker's.
    interface Env extends Bindings {}
  }
}
