// Builds the widgets' page code: each entry and what it imports, bundled by esbuild into one
// ES module in explorer/app/static, the file its anywidget loads (docs/drawing.md says why).
//
//   npm --prefix js install && npm --prefix js run build
//
// Each bundle's first lines name the hash of the sources it was built from (every file under
// js/src, this script and package.json) and of the bundle's own code below them, so that a
// test (tests/app/test_frontend.py), with no npm, fails when a source changed and the bundle
// was not rebuilt, or when the bundle was edited by hand.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, "..", "explorer", "app", "static");
// Bundle (in OUT) -> its entry module.
const ENTRIES = {
  "board.js": "src/board/index.js",
  "numberbox.js": "src/numberbox.js",
  "download.js": "src/download.js",
};

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

function files(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]);
}

// The same digest as tests/app/test_frontend.py's sources_hash: each file's path (relative to
// js/, with "/") and bytes, in sorted order of the paths, each followed by a NUL.
function sourcesHash() {
  const paths = [...files(join(HERE, "src")), join(HERE, "build.mjs"), join(HERE, "package.json")]
    .map((p) => relative(HERE, p).split("\\").join("/"))
    .sort();
  const hash = createHash("sha256");
  for (const p of paths) hash.update(`${p}\0`).update(readFileSync(join(HERE, p))).update("\0");
  return hash.digest("hex");
}

const sources = sourcesHash();
for (const [bundle, entry] of Object.entries(ENTRIES)) {
  const result = await esbuild.build({
    entryPoints: [join(HERE, entry)],
    bundle: true,
    format: "esm",
    target: "es2022",
    charset: "utf8",
    legalComments: "none",
    write: false,
  });
  const code = result.outputFiles[0].text;
  const header =
    `// Built by js/build.mjs from js/${entry} and what it imports: do not edit, rebuild.\n` +
    `// sources sha256 ${sources}\n// bundle sha256 ${sha256(code)}\n`;
  writeFileSync(join(OUT, bundle), header + code);
  console.log(`${bundle}: ${(header.length + code.length) / 1000} kB`);
}
