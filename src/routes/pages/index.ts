import type { Context } from "hono";
import type { OpenAPIHono } from "@hono/zod-openapi";
import uplotCss from "uplot/dist/uPlot.min.css";
import uplotJs from "uplot/dist/uPlot.iife.min.js";
import type { AppEnv } from "../../http/env";
import dashboardJs from "./dashboard.client.js";
import dashboardHtml from "./dashboard.html";
import pagesCss from "./pages.css.txt";
import reviewJs from "./review.client.js";
import reviewHtml from "./review.html";

/**
 * The operator's dashboard (GET /dashboard) and the analyst's review page (GET /review): static pages the Worker
 * serves, with their scripts and uPlot (bundled from the npm package as text: no build step, no CDN). The pages hold
 * no data: they ask the API with the token the user types (kept in the tab's sessionStorage), so they need no
 * authentication of their own. docs/dashboard.md.
 */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const serve = (body: string, type: string) => (c: Context<AppEnv>) =>
  c.body(body, 200, { "content-type": type, "content-security-policy": CSP, "x-content-type-options": "nosniff", "cache-control": "no-cache", "referrer-policy": "no-referrer" });

export function registerPages(app: OpenAPIHono<AppEnv>) {
  const html = "text/html; charset=utf-8";
  const js = "text/javascript; charset=utf-8";
  const css = "text/css; charset=utf-8";
  app.get("/dashboard", serve(dashboardHtml, html));
  app.get("/dashboard.js", serve(dashboardJs, js));
  app.get("/review", serve(reviewHtml, html));
  app.get("/review.js", serve(reviewJs, js));
  app.get("/assets/uplot.js", serve(uplotJs, js));
  app.get("/assets/uplot.css", serve(uplotCss, css));
  app.get("/assets/pages.css", serve(pagesCss, css));
}
