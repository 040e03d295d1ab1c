// weft imported by URL from another origin, as a notebook (Observable, JupyterLite) or any page
// does with a CDN: the packed tarball is unpacked and served on one port with CDN headers (CORS
// `*`, CORP cross-origin, like jsDelivr/unpkg), a page on another origin does
//   const weft = await import('http://localhost:<cdn>/dist/cdn/weft.js')
// and runs a parallel matmul, checked against a JS loop:
//   - host page not isolated (the usual notebook) → 'fallback', 1 thread;
//   - host page served with COOP/COEP (e.g. JupyterLite behind such headers) → 'shared', 2 threads.
// `new Worker(<cross-origin URL>)` is refused by browsers, so this also checks the blob: shim in
// runtime/platform-browser.ts: the worker script must come from the CDN, never from the page.
// Needs dist/ built (npm run build). Run: node --test test/consumers/cdn.test.js
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CDN_HEADERS, ISOLATION_HEADERS, assertResult, consumersDir, launchChromium, packTarball, runPage, serve, sh, workDir,
} from './lib.mjs';

let browser, cdn, unpacked;
before(async () => {
  const tarball = await packTarball();
  unpacked = join(workDir(), 'cdn-unpacked');
  rmSync(unpacked, { recursive: true, force: true });
  mkdirSync(unpacked, { recursive: true });
  await sh('tar', ['-xzf', tarball, '-C', unpacked]); // → package/, as a CDN serves it
  cdn = await serve(join(unpacked, 'package'), { headers: CDN_HEADERS, hostname: 'localhost' });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await cdn?.close();
});

const page = (cdnOrigin) => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>weft from a CDN</title></head><body>
<script type="module">
  const weft = await import('${cdnOrigin}/dist/cdn/weft.js');
  const { runCheck } = await import('/check.js');
  await runCheck(weft);
</script></body></html>`;

// The same from inside a module worker of the page: where a notebook kernel runs code (JupyterLite
// runs its Pyodide kernel in a worker, and `pyodide.code.run_js` evaluates JavaScript there).
const workerPage = (cdnOrigin) => `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>weft from a CDN, in a worker</title></head><body>
<script type="module">
  const source = \`
    const weft = await import('${cdnOrigin}/dist/cdn/weft.js');
    const { runCheck } = await import(new URL('/check.js', '\${location.href}').href);
    postMessage(await runCheck(weft));
  \`;
  const kernel = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module' });
  kernel.onmessage = (e) => { window.__WEFT_RESULT__ = { ...e.data, pageCrossOriginIsolated: crossOriginIsolated }; };
  kernel.onerror = (e) => { window.__WEFT_RESULT__ = { error: 'worker error: ' + e.message }; };
</script></body></html>`;

// An isolated page on an engine without Atomics.waitAsync (simulated by deleting it before weft
// loads): weft must detect it and run in 'fallback' rather than fail in 'shared' mode.
const noWaitAsyncPage = (cdnOrigin) => page(cdnOrigin).replace('<script type="module">', '<script type="module">\n  delete Atomics.waitAsync;');

describe('self-contained ESM entry imported by URL from another origin', () => {
  it('an isolated page whose engine lacks Atomics.waitAsync runs in fallback mode', async () => {
    const host = await serve(consumersDir, { headers: ISOLATION_HEADERS, pages: { '/index.html': noWaitAsyncPage(cdn.origin) } });
    try {
      const { result, logs } = await runPage(browser, `${host.origin}/index.html`);
      const context = `${JSON.stringify(result)}\n${logs.join('\n')}`;
      assert.equal(result.error, undefined, context);
      assert.equal(result.ok, true, context);
      assert.equal(result.pageCrossOriginIsolated, true, context);
      assert.equal(result.mode, 'fallback', context);
    } finally {
      await host.close();
    }
  });

  for (const [where, isolated] of [['page', false], ['page', true], ['worker', false], ['worker', true]]) {
    it(`runs a parallel matmul ${where === 'worker' ? 'in a worker of a page' : 'in a page'}, ${isolated ? 'isolated (COOP/COEP → shared)' : 'not isolated (fallback)'}`, async () => {
      const host = await serve(consumersDir, {
        headers: isolated ? ISOLATION_HEADERS : {},
        pages: { '/index.html': (where === 'worker' ? workerPage : page)(cdn.origin) },
      });
      assert.notEqual(new URL(host.origin).origin, new URL(cdn.origin).origin);
      const before = cdn.requests.length;
      try {
        const outcome = await runPage(browser, `${host.origin}/index.html`);
        assertResult(assert, outcome, { isolated });
        const fromCdn = cdn.requests.slice(before);
        assert.ok(fromCdn.includes('/dist/cdn/weft.js'), fromCdn.join(' '));
        assert.ok(fromCdn.includes('/dist/cdn/worker.js'), `worker script loaded from the CDN: ${fromCdn.join(' ')}`);
        assert.ok(fromCdn.some((p) => /^\/dist\/wasm\/weft_kernels\.(relaxed|simd128)\.wasm$/.test(p)), fromCdn.join(' '));
        // Nothing of weft's is fetched from the page's own origin (no bare imports, no worker there).
        const fromHost = host.requests.filter((p) => !['/index.html', '/check.js', '/favicon.ico'].includes(p));
        assert.deepEqual(fromHost, [], `requests to the page's origin: ${fromHost.join(' ')}`);
      } finally {
        await host.close();
      }
    });
  }
});
