// weft as an app installs it: `npm pack` the package, `npm install <tgz>` into a temp copy of a
// Vite, a webpack 5 and an esbuild app (test/consumers/<tool>/), build each with its tool's
// defaults (plus at most the one line README.md "Using weft with bundlers" documents), serve the
// output, and run a parallel matmul in headless Chromium, checked against a JS loop:
//   - served with COOP/COEP → crossOriginIsolated, info().mode 'shared', 2 threads, both run chunks;
//   - served without        → info().mode 'fallback', 1 thread.
// Needs dist/ built (npm run build). Run: node --test test/consumers/bundlers.test.js
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ISOLATION_HEADERS, assertResult, installFixture, launchChromium, runPage, serve, sh } from './lib.mjs';

/** Where each tool puts the app, relative to the fixture dir, and the page to open. */
const FIXTURES = {
  vite: { root: 'dist', page: '/' },
  webpack: { root: '.', page: '/index.html' },
  esbuild: { root: '.', page: '/index.html' },
};

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

// Install and build every fixture up front, two at a time (the machine has 2 cores), so the
// slow part overlaps; each describe below awaits its own.
const builds = {};
{
  const names = Object.keys(FIXTURES);
  const queue = [...names];
  const started = {};
  const next = () => {
    const name = queue.shift();
    if (!name) return;
    started[name] = (async () => {
      const t0 = Date.now();
      const dir = await installFixture(name);
      const t1 = Date.now();
      const out = await sh('npm', ['run', 'build', '--loglevel=error'], { cwd: dir });
      return { dir, log: out.stdout + out.stderr, installMs: t1 - t0, buildMs: Date.now() - t1 };
    })();
    started[name].finally(next);
  };
  next();
  next();
  for (const name of names) {
    builds[name] = (async () => {
      while (!started[name]) await new Promise((r) => setTimeout(r, 50));
      return started[name];
    })();
    builds[name].catch(() => {}); // reported by the test that awaits it
  }
}

for (const [name, { root, page }] of Object.entries(FIXTURES)) {
  describe(`${name} app from the packed tarball`, () => {
    it('installs the tarball and builds with the defaults', async () => {
      const b = await builds[name];
      console.log(`# ${name}: npm install ${b.installMs} ms, build ${b.buildMs} ms`);
      assert.ok(existsSync(join(b.dir, 'node_modules/weft/dist/wasm/weft_kernels.simd128.wasm')), 'weft installed from the tarball');
      assert.ok(!existsSync(join(b.dir, 'node_modules/weft/runtime')), 'sources are not in the package');
    });

    for (const isolated of [true, false]) {
      it(`runs a parallel matmul in Chromium, ${isolated ? 'isolated (shared)' : 'not isolated (fallback)'}`, async () => {
        const b = await builds[name];
        const server = await serve(join(b.dir, root), { headers: isolated ? ISOLATION_HEADERS : {} });
        try {
          const outcome = await runPage(browser, server.origin + page);
          assertResult(assert, outcome, { isolated });
          // The wasm came from the app's own server (the bundler emitted or the app copied it).
          assert.ok(server.requests.some((p) => p.endsWith('.wasm')), `no .wasm requested: ${server.requests.join(' ')}`);
        } finally {
          await server.close();
        }
      });
    }
  });
}

describe('vite dev server from the packed tarball (optimizeDeps.exclude: [\'weft\'], the one documented line)', () => {
  for (const isolated of [true, false]) {
    it(`runs a parallel matmul in Chromium, ${isolated ? 'isolated (shared)' : 'not isolated (fallback)'}`, async () => {
      const b = await builds.vite;
      const dev = await startViteDev(b.dir, isolated);
      try {
        const outcome = await runPage(browser, `${dev.origin}/`);
        assertResult(assert, outcome, { isolated });
      } finally {
        dev.stop();
      }
    });
  }
});

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

/** `vite --config vite.dev.config.js` on a free port; resolves once it prints its Local: URL. */
async function startViteDev(dir, isolated) {
  const port = await freePort();
  const child = spawn(join(dir, 'node_modules/.bin/vite'), ['--config', 'vite.dev.config.js', '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
    cwd: dir,
    env: { ...process.env, WEFT_ISOLATED: isolated ? '1' : '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stop = () => { if (child.exitCode === null) child.kill('SIGTERM'); };
  try {
    await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`vite dev did not start:\n${output}`)), 60_000);
      const onData = (d) => {
        output += d;
        if (/Local:/.test(output)) { clearTimeout(timer); ok(); }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => { clearTimeout(timer); fail(new Error(`vite dev exited ${code}:\n${output}`)); });
    });
  } catch (error) {
    stop();
    throw error;
  }
  return { origin: `http://127.0.0.1:${port}`, stop };
}
