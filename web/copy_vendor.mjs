// Copy the page's third-party files from node_modules into linkrisk/web/static/vendor/.
// The list lives in linkrisk/web/static/vendor.json, which the Python router also reads to
// report missing files, so the two can never disagree. Run after `npm ci` (Makefile: web).
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const staticDir = join(here, "..", "linkrisk", "web", "static");
const vendorDir = join(staticDir, "vendor");
const manifest = JSON.parse(readFileSync(join(staticDir, "vendor.json"), "utf8"));

function packageVersion(file) {
  // node_modules/<name>/… or node_modules/@scope/<name>/…
  const parts = file.split("/");
  const name = parts[0].startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  const pkg = JSON.parse(readFileSync(join(here, "node_modules", name, "package.json"), "utf8"));
  return { name, version: pkg.version };
}

rmSync(vendorDir, { recursive: true, force: true });
mkdirSync(vendorDir, { recursive: true });
const copied = {};
for (const [target, source] of Object.entries({ ...manifest.files, ...manifest.licenses })) {
  const from = join(here, "node_modules", source);
  copyFileSync(from, join(vendorDir, target));
  const sha256 = createHash("sha256").update(readFileSync(from)).digest("hex");
  copied[target] = { source, ...packageVersion(source), sha256 };
}
// Written last: its presence means the copy completed (the Makefile uses it as the stamp).
writeFileSync(join(vendorDir, "VERSIONS.json"), JSON.stringify(copied, null, 2) + "\n");
console.log(`vendored ${Object.keys(copied).length} files into ${vendorDir}`);
