import { readFileSync, writeFileSync } from "node:fs";
import { withCatalog } from "./reason-catalog";

/** `npm run docs:reasons`: rewrites the generated reason-code table in docs/reasons.md. */
const path = new URL("../../docs/reasons.md", import.meta.url);
const before = readFileSync(path, "utf8");
const after = withCatalog(before);
writeFileSync(path, after);
console.log(before === after ? "docs/reasons.md: up to date" : "docs/reasons.md: reason-code table rewritten");
