import { createApp, servicesFor } from "./app";
import type { Bindings } from "./config";
import { streamFor, streamPass } from "./stream/consumer";

const app = createApp();

export default {
  fetch: app.fetch,
  /** The cron (wrangler.toml [triggers]): one pass of the stream consumer when STREAM_TOPIC is set (docs/streams.md). */
  async scheduled(_controller, env) {
    const services = servicesFor(env);
    const stream = streamFor(services);
    if (stream.kind === "off") return;
    if (stream.kind === "misconfigured") {
      console.error(`stream: ${stream.detail}`);
      return;
    }
    const report = await streamPass(services, stream.deps);
    console.log(JSON.stringify({ stream_pass: report }));
  },
} satisfies ExportedHandler<Bindings>;
