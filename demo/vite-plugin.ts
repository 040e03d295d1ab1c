// The demo site's one Vite plugin: cross-origin isolation where the host cannot set headers.
//
// coi-serviceworker (npm) is a classic script that, on a page without COOP/COEP, registers
// itself as a service worker which adds the two headers to every response, then reloads the
// page once, which is then cross-origin isolated (GitHub Pages and other static hosts). It
// is copied from node_modules to the site's root (served by the dev server, emitted into the
// build): a service worker controls what lies under its own folder, and that must include
// assets/, since a worker script's request is matched by its own URL and a worker script
// without the headers is blocked. The build also gets a root index.html that forwards to
// demo/, so the site's root URL opens the demo.
//
// It also builds task modules: `import url from './tasks.js?task'` gives the URL of the module
// for `rt.module(url)`. A task module is imported by pool workers and must keep its exports,
// which neither a plain asset URL (`new URL(..., import.meta.url)`: copied unbundled, its bare
// `weft` import unresolved) nor a worker bundle (`?worker&url`: exports tree-shaken away) does.
// In the build it is emitted as a chunk with its exports preserved (sharing the runtime chunk
// with the page); the dev server serves the source module as it is.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { relative } from 'node:path';
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

const TASK = '?task';

export function weftDemo(): Plugin {
  const sw = () => readFileSync(require.resolve('coi-serviceworker/coi-serviceworker.min.js'));
  let command: 'serve' | 'build' = 'serve';
  let root = process.cwd();
  return {
    name: 'weft-demo',
    enforce: 'pre',
    configResolved(config) {
      command = config.command;
      root = config.root;
    },
    async resolveId(source, importer) {
      if (!source.endsWith(TASK)) return null;
      const resolved = await this.resolve(source.slice(0, -TASK.length), importer, { skipSelf: true });
      return resolved ? resolved.id + TASK : null;
    },
    load(id) {
      if (!id.endsWith(TASK)) return null;
      const file = id.slice(0, -TASK.length);
      if (command === 'serve') return `export default new URL(${JSON.stringify('/' + relative(root, file))}, import.meta.url).href;`;
      const ref = this.emitFile({ type: 'chunk', id: file, preserveSignature: 'strict' });
      return `export default import.meta.ROLLUP_FILE_URL_${ref};`;
    },
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
