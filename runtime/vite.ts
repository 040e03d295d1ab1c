/**
 * `weft/vite`: a Vite plugin for task modules. `import url from './tasks.js?task'` gives the
 * URL to pass to `rt.module(url)`. A task module is imported by pool workers and must keep
 * its exports, which neither a plain asset URL (`new URL(..., import.meta.url)`: copied
 * unbundled, its bare `weft` import unresolved) nor a worker bundle (`?worker&url`: exports
 * tree-shaken away) gives. In a build the module is emitted as a chunk with its exports
 * preserved, sharing chunks (the runtime) with the page; the dev server serves it as it is.
 *
 *     // vite.config.js
 *     import { weftTasks } from 'weft/vite';
 *     export default { plugins: [weftTasks()] };
 */
import { relative } from 'node:path';
import type { Plugin } from 'vite';

const TASK = '?task';

export function weftTasks(): Plugin {
  let command: 'serve' | 'build' = 'serve';
  let root = process.cwd();
  return {
    name: 'weft-tasks',
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
  };
}
