#!/usr/bin/env node
// Serves the built demo site (dist/site, from `npm run build:demo`) with `vite preview`, which
// sends the COOP/COEP headers of vite.config.ts, and prints the demo's URL. `npm start` runs it.
//   node demo/serve.mjs [--port=4173] [--host=127.0.0.1]   (--host=0.0.0.0 to serve the network)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { preview } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
if (!existsSync(new URL('../dist/site/demo/index.html', import.meta.url))) {
  console.error('dist/site/demo/index.html is missing: build the site first (npm run build:demo)');
  process.exit(2);
}
const server = await preview({
  configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
  root,
  logLevel: 'warn',
  preview: { port: Number(arg('port', 4173)), host: arg('host', 'localhost'), strictPort: false, open: false },
});
const urls = [...server.resolvedUrls.local, ...server.resolvedUrls.network].map((u) => `${u.replace(/\/$/, '')}/demo/`);
console.log(`\n  weft demo: ${urls[0]}`);
for (const u of urls.slice(1)) console.log(`             ${u}`);
console.log('\n  (Ctrl-C to stop)\n');
