// Builds the self-contained browser entry a page can import by URL (a CDN, a notebook):
//
//   dist/cdn/weft.js     the public API (dist/runtime/index.js), comlink inlined, `#platform`
//                        resolved to the browser file; no bare imports left
//   dist/cdn/worker.js   the pool worker, likewise
//
// Both keep `new URL('./worker.js', import.meta.url)` and `new URL('../wasm/…', import.meta.url)`
// as they are, so the layout dist/cdn/ beside dist/wasm/ is the same one the runtime has in
// dist/runtime/. Served from another origin, the worker starts through a same-origin blob: shim
// (runtime/platform-browser.ts). Run after `tsc` (it bundles dist/runtime/*.js):
//   node scripts/build-cdn.mjs
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${root}dist/cdn`;
const { version } = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });

await build({
  absWorkingDir: root,
  entryPoints: [
    { in: 'dist/runtime/index.js', out: 'weft' },
    { in: 'dist/runtime/worker.js', out: 'worker' },
  ],
  outdir,
  bundle: true,
  format: 'esm',
  platform: 'browser', // conditions: browser, import, default → #platform = platform-browser.js
  target: 'es2022',
  // Keep identifiers (error class names show in consoles); drop whitespace and dead code.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  sourcemap: false,
  banner: { js: `/*! weft ${version} — MIT — self-contained browser build (comlink inlined) */` },
  logLevel: 'warning',
});

for (const f of ['weft.js', 'worker.js']) {
  const text = readFileSync(`${outdir}/${f}`, 'utf8');
  // A bare specifier left in the output would fail in a browser without an import map.
  const bare = text.match(/\bfrom\s*["'](?![./]|https?:)[^"']+["']|\bimport\s*\(\s*["'](?![./]|https?:)[^"']+["']/);
  if (bare) throw new Error(`build-cdn: ${f} still has a bare import: ${bare[0]}`);
  if (f === 'weft.js' && !text.includes('import.meta.url')) throw new Error(`build-cdn: ${f} lost import.meta.url`);
  console.log(`dist/cdn/${f}  ${(statSync(`${outdir}/${f}`).size / 1024).toFixed(1)} KiB`);
}
