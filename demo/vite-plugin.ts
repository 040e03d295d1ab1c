// The demo site's Vite plugin: cross-origin isolation where the host cannot set headers.
//
// coi-serviceworker (npm) is a classic script that, on a page without COOP/COEP, registers
// itself as a service worker which adds the two headers to every response, then reloads the
// page once, which is then cross-origin isolated (GitHub Pages and other static hosts). It
// is copied from node_modules to the site's root (served by the dev server, emitted into the
// build): a service worker controls what lies under its own folder, and that must include
// assets/, since a worker script's request is matched by its own URL and a worker script
// without the headers is blocked. The build also gets a root index.html that forwards to
// demo/, so the site's root URL opens the demo. Task modules (`?task` imports) are weft's own
// plugin, `weft/vite`, as any app would use it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);
/** Where the page expects it (demo/index.html loads ../coi-serviceworker.js). */
const SW_FILE = 'coi-serviceworker.js';

const ROOT_INDEX = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>weft demo</title><meta http-equiv="refresh" content="0; url=demo/"></head>
<body><p><a href="demo/">weft demo</a></p></body>
</html>
`;

export function weftDemo(): Plugin {
  const sw = () => readFileSync(require.resolve('coi-serviceworker/coi-serviceworker.min.js'));
  return {
    name: 'weft-demo',
    configureServer(server) {
      server.middlewares.use(`/${SW_FILE}`, (_req, res) => {
        res.setHeader('Content-Type', 'text/javascript');
        res.end(sw());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: SW_FILE, source: sw() });
      this.emitFile({ type: 'asset', fileName: 'index.html', source: ROOT_INDEX });
    },
  };
}
