/**
 * `npm run docs:screenshots`: the dashboard and the review page in headless Chromium (Debian's), against a running
 * `npm run dev` or `npm start`, saved as docs/screenshots/dashboard.png and review.png (linked from the README). Run
 * traffic meanwhile (`npm run simulate -- --duration 120s`): the dashboard's time series are the snapshots the page
 * has seen, so it takes `--samples` of them, `--every` seconds apart, running the exporter for each.
 *
 *   npm run docs:screenshots [-- --target http://127.0.0.1:8787] [--exporter http://127.0.0.1:8790] [--samples 5]
 *       [--every 20] [--out docs/screenshots]
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { CHROMIUM, CHROMIUM_ARGS } from "../local/chromium";
import { isMain, runMain } from "../cli";
import { EXPORTER_PORT, scheduledUrl } from "../local/exporter-dev";
import { DEMO_SECRET_KEY, DEV_METRICS_TOKEN } from "../seed-demo";

export async function screenshots(target: string, out: string, opts: { exporter: string; samples: number; everyS: number }): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    await page.goto(`${target}/dashboard`);
    await page.fill("#token", DEV_METRICS_TOKEN);
    await page.click("#auth button");
    await page.waitForSelector('[data-stat="requests"]');
    // The page keeps the snapshots it has seen (in its memory): run the exporter, and wait for the page's next poll.
    for (let i = 1; i < opts.samples; i++) {
      await page.waitForTimeout(opts.everyS * 1000);
      const seen = (await page.getAttribute("body", "data-generated-at")) ?? "";
      const ran = await fetch(scheduledUrl(opts.exporter)).then((r) => r.ok, () => false);
      if (!ran) console.warn(`docs:screenshots: the exporter at ${opts.exporter} did not run; the page shows the snapshots the cron writes`);
      // A locator, not waitForFunction: the page's CSP (no 'unsafe-eval') refuses a string predicate.
      await page.locator(`body[data-generated-at]:not([data-generated-at=${JSON.stringify(seen)}])`).waitFor({ timeout: 80_000 });
      console.log(`docs:screenshots: sample ${i + 1} of ${opts.samples}`);
    }
    await page.waitForTimeout(500);
    const dashboard = join(out, "dashboard.png");
    await page.screenshot({ path: dashboard, fullPage: true });

    await page.goto(`${target}/review`);
    await page.fill("#key", DEMO_SECRET_KEY);
    await page.click("#auth button");
    await page.waitForSelector("tr.case");
    await page.click("tr.case");
    await page.waitForSelector("#case:not([hidden]) #case-facts dd");
    await page.waitForTimeout(300);
    const review = join(out, "review.png");
    await page.screenshot({ path: review, fullPage: true });
    return [dashboard, review];
  } finally {
    await browser.close();
  }
}

if (isMain(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      target: { type: "string", default: "http://127.0.0.1:8787" },
      exporter: { type: "string", default: `http://127.0.0.1:${process.env.EXPORTER_PORT ?? EXPORTER_PORT}` },
      samples: { type: "string", default: "5" },
      every: { type: "string", default: "20" },
      out: { type: "string", default: "docs/screenshots" },
    },
  });
  const samples = Math.min(30, Math.max(1, Number(values.samples)));
  const everyS = Math.min(120, Math.max(1, Number(values.every)));
  runMain(async () => console.log(`docs:screenshots: ${(await screenshots(values.target, values.out, { exporter: values.exporter, samples, everyS })).join(", ")}`));
}
