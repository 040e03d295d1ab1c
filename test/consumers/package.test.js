// The npm package itself: what `npm pack` puts in it, its package.json contract, its type
// declarations as a TypeScript consumer sees them, and Node 20+ using it from an installed tarball
// (the same API on worker_threads, and examples/matmul.mjs run against the install).
// Needs dist/ built (npm run build). Run: node --test test/consumers/package.test.js
import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { NPM_INSTALL_FLAGS, packTarball, repoRoot, sh, workDir } from './lib.mjs';

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));

/** Every runtime/**.ts source (not hand-written .d.ts) → the built .js, its map and its .d.ts. */
function expectedFiles() {
  const files = new Set(['package.json', 'README.md', 'LICENSE']);
  const walk = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const base = `dist/runtime/${relative(join(repoRoot, 'runtime'), p).replace(/\.ts$/, '')}`;
        files.add(`${base}.js`).add(`${base}.js.map`).add(`${base}.d.ts`);
      }
    }
  };
  walk(join(repoRoot, 'runtime'));
  for (const v of ['relaxed', 'simd128']) files.add(`dist/wasm/weft_kernels.${v}.wasm`);
  files.add('dist/cdn/weft.js').add('dist/cdn/worker.js');
  return files;
}

describe('npm pack', () => {
  let packed;
  before(async () => {
    const { stdout } = await sh('npm', ['pack', '--dry-run', '--json'], { cwd: repoRoot });
    packed = JSON.parse(stdout)[0];
  });

  it('contains exactly the runtime (JS, maps, .d.ts), the worker, both wasm builds, the CDN bundle, README, LICENSE, package.json', () => {
    const got = new Set(packed.files.map((f) => f.path));
    const want = expectedFiles();
    const missing = [...want].filter((f) => !got.has(f));
    const extra = [...got].filter((f) => !want.has(f));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] }, 'npm pack file list');
  });

  it('has no tests, sources, build trees or secrets', () => {
    for (const { path } of packed.files) {
      assert.doesNotMatch(path, /^(test|runtime|kernels-rs|target|bench|demo|scripts|docs|node_modules)\//, path);
      assert.doesNotMatch(path, /(^|\/)\.|\.tgz$|\.rs$|(?<!\.d)\.ts$/, path);
    }
    // The maps are intended: each carries its TypeScript source inline (tsc --inlineSources), so
    // a consumer's devtools and Vite's dev server find them, and nothing points outside the package.
    const map = JSON.parse(readFileSync(join(repoRoot, 'dist/runtime/index.js.map'), 'utf8'));
    assert.equal(map.sourcesContent?.length, map.sources.length, 'index.js.map has its sources inline: build with npm run build:ts (tsc --inlineSources), not plain tsc');
  });

  it('stays small (under 1 MiB unpacked)', () => {
    assert.ok(packed.unpackedSize < 1 << 20, `unpacked ${packed.unpackedSize} bytes`);
  });
});

describe('package.json', () => {
  it('is ESM with an exports map carrying types, and the #platform imports map', () => {
    assert.equal(pkg.type, 'module');
    assert.deepEqual(Object.keys(pkg.exports['.']), ['types', 'default']);
    for (const target of [pkg.exports['.'].types, pkg.exports['.'].default, pkg.exports['./worker'].default]) {
      assert.ok(existsSync(join(repoRoot, target)), target);
    }
    const platform = pkg.imports['#platform'];
    assert.equal(Object.keys(platform)[0], 'types', 'types first');
    assert.equal(platform.browser, './dist/runtime/platform-browser.js');
    assert.equal(platform.node, './dist/runtime/platform-node.js');
    assert.equal(platform.default, './dist/runtime/platform-browser.js', 'bundlers without a browser/node condition get the browser file');
    assert.ok(Object.keys(platform).indexOf('browser') < Object.keys(platform).indexOf('node'), 'browser wins where both conditions are set');
  });

  it('downloads nothing at install: no install scripts, one pinned dependency', () => {
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'prepack', 'postpack']) {
      assert.equal(pkg.scripts?.[hook], undefined, `scripts.${hook}`);
    }
    assert.deepEqual(Object.keys(pkg.dependencies), ['comlink']);
    assert.match(pkg.dependencies.comlink, /^\d+\.\d+\.\d+$/, 'comlink pinned');
  });

  it('locates the worker and the wasm with new URL(…, import.meta.url) (what bundlers follow)', () => {
    const browser = readFileSync(join(repoRoot, 'dist/runtime/platform-browser.js'), 'utf8');
    assert.match(browser, /new Worker\(new URL\('\.\/worker\.js', import\.meta\.url\), \{ type: 'module', name \}\)/);
    const wasm = readFileSync(join(repoRoot, 'dist/runtime/wasm.js'), 'utf8');
    assert.match(wasm, /new URL\(`\.\.\/wasm\/weft_kernels\.\$\{simd\}\.wasm`, import\.meta\.url\)/);
  });
});

describe('installed from the tarball', () => {
  let dir;
  before(async () => {
    const tarball = await packTarball();
    dir = join(workDir(), 'node-app');
    const key = `${tarball} ${statSync(tarball).mtimeMs}`;
    const installed = existsSync(join(dir, '.tarball')) && readFileSync(join(dir, '.tarball'), 'utf8') === key;
    cpSync(join(repoRoot, 'test/consumers/node'), dir, { recursive: true });
    if (!installed) {
      await sh('npm', ['install', ...NPM_INSTALL_FLAGS, tarball], { cwd: dir });
      writeFileSync(join(dir, '.tarball'), key);
    }
    cpSync(join(repoRoot, 'examples/matmul.mjs'), join(dir, 'matmul.mjs'));
  });

  it('Node 20+: the same API on worker_threads (shared mode, parallel matmul checked against JS)', async () => {
    const { stdout } = await sh(process.execPath, ['check.mjs'], { cwd: dir, timeout: 120_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    assert.equal(result.error, undefined, stdout);
    assert.equal(result.ok, true, stdout);
    assert.equal(result.mode, 'shared', stdout);
    assert.equal(result.threads, 2, stdout);
    assert.equal(result.platform, 'node', stdout);
    assert.equal(result.errorCode, 'INVALID_ARGUMENT', stdout);
    assert.equal(result.workersWithChunks, 2, stdout);
  });

  it('examples/matmul.mjs runs against the installed package', async () => {
    const { stdout } = await sh(process.execPath, ['matmul.mjs', '128'], { cwd: dir, timeout: 120_000 });
    assert.match(stdout, /weft info:/);
    assert.match(stdout, /max \|error\| on 3 checked rows: /, stdout);
  });

  it('its type declarations compile for a TypeScript consumer (bundler and nodenext resolution)', async () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc');
    for (const resolution of ['bundler', 'nodenext']) {
      await sh(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: dir });
    }
  });
});
