// Vite config for weft's pages: the benchmarks (bench/) and the demo site (demo/).
//
// The root is the repository itself, so one dev server serves every page at its path
// (/bench/foundation.html, /demo/index.html, ...) next to the built runtime (/dist/runtime/)
// and kernels (/dist/wasm/) the pages import. Pages import the runtime by the package's own
// name, `weft` (its "exports" map points at dist/runtime/index.js), and the runtime imports
// `comlink` and the package-internal `#platform` (its "imports" map), also from its worker;
// Vite resolves all three the same way in the page, the workers and in task modules.
//
// Every response carries COOP/COEP, so pages are crossOriginIsolated and weft runs in its
// 'shared' mode (SharedArrayBuffer, wasm threads). Without them it would silently fall back.
//
// The built site also works on hosts that cannot send headers (GitHub Pages): demo/vite-plugin.ts
// ships a COOP/COEP service worker, and builds the task modules pages load with `?task`.
//
//   npx vite                          dev server (what `npm run bench` drives)
//   npx vite build && npx vite preview   multi-page build into dist/site/ (npm run build:demo; npm start)
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { weftDemo } from './demo/vite-plugin.ts';
import { weftTasks } from './runtime/vite.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Cross-origin isolation: needed for SharedArrayBuffer, hence for weft's 'shared' mode. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Every .html page directly inside the given folders, as build inputs. */
function pages(...dirs: string[]): Record<string, string> {
  const input: Record<string, string> = {};
  for (const dir of dirs) {
    const abs = join(root, dir);
    if (!existsSync(abs)) continue;
    for (const file of readdirSync(abs)) {
      if (file.endsWith('.html')) input[`${dir}/${file.slice(0, -5)}`] = resolve(abs, file);
    }
  }
  return input;
}

export default defineConfig({
  root,
  // Relative asset URLs, so the built site works from any sub-path (GitHub Pages: /<repo>/).
  base: './',
  appType: 'mpa',
  plugins: [weftTasks(), weftDemo()],
  server: {
    headers: isolation,
    fs: { allow: [root] },
    // The benches are driven headless; never open a browser or watch build output.
    open: false,
    watch: { ignored: ['**/target/**', '**/kernels-rs/**', '**/test-artifacts/**'] },
  },
  preview: { headers: isolation },
  worker: { format: 'es' },
  optimizeDeps: {
    // weft is this package (served from dist/runtime as is); comlink is pre-bundled up front
    // so that a worker discovering it late cannot make the dev server reload the page.
    exclude: ['weft'],
    include: ['comlink'],
    entries: ['bench/*.html', 'demo/*.html'],
  },
  build: {
    outDir: 'dist/site',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: { input: pages('demo', 'bench') },
  },
});
