// Helpers for the consumer tests: pack the package once per run, install the tarball into temp
// copies of the fixtures, serve directories over loopback HTTP (with or without COOP/COEP, with
// CORS like a CDN), and drive Debian's Chromium headless through puppeteer-core.
//
//   WEFT_CONSUMERS_DIR  work dir shared by the test files of one run (scripts/test.sh sets it; the
//                       tarball and the fixtures' installs are reused from there). Default: a
//                       fresh temp dir per process, removed at exit.
//   WEFT_CHROMIUM       browser binary (default /usr/bin/chromium).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const consumersDir = fileURLToPath(new URL('.', import.meta.url));
const run = promisify(execFile);

let ownedDir = null;
export function workDir() {
  if (process.env.WEFT_CONSUMERS_DIR) {
    mkdirSync(process.env.WEFT_CONSUMERS_DIR, { recursive: true });
    return process.env.WEFT_CONSUMERS_DIR;
  }
  if (!ownedDir) {
    ownedDir = mkdtempSync(join(tmpdir(), 'weft-consumers-'));
    process.on('exit', () => rmSync(ownedDir, { recursive: true, force: true }));
  }
  return ownedDir;
}

/** Runs a command, returns { stdout, stderr }; on failure the error message carries both. */
export async function sh(cmd, args, options = {}) {
  try {
    return await run(cmd, args, { maxBuffer: 64 << 20, ...options, env: { ...process.env, ...options.env } });
  } catch (error) {
    error.message = `${cmd} ${args.join(' ')} failed (${error.code}):\n${error.stdout ?? ''}\n${error.stderr ?? ''}`;
    throw error;
  }
}

/** npm's own flags for every install here: no audit/fund calls, and the local cache first. */
export const NPM_INSTALL_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

let packing = null;
/** `npm pack` of the repo (dist/ must be built) into the work dir, once per run. Returns the .tgz path. */
export function packTarball() {
  packing ??= (async () => {
    const dir = join(workDir(), 'pack');
    const stamp = join(dir, 'stamp.json');
    const key = packKey();
    if (existsSync(stamp)) {
      const prev = JSON.parse(readFileSync(stamp, 'utf8'));
      if (prev.key === key && existsSync(prev.tarball)) return prev.tarball;
    }
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const { stdout } = await sh('npm', ['pack', '--json', '--pack-destination', dir], { cwd: repoRoot });
    const tarball = join(dir, JSON.parse(stdout)[0].filename);
    writeFileSync(stamp, JSON.stringify({ key, tarball }));
    return tarball;
  })();
  return packing;
}

/** What the tarball is made of: package.json and the mtimes/sizes of every file under dist/. */
function packKey() {
  const h = createHash('sha256');
  h.update(readFileSync(join(repoRoot, 'package.json')));
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const s = statSync(p);
        h.update(`${p} ${s.size} ${s.mtimeMs}\n`);
      }
    }
  };
  walk(join(repoRoot, 'dist'));
  for (const f of ['README.md', 'LICENSE']) if (existsSync(join(repoRoot, f))) h.update(readFileSync(join(repoRoot, f)));
  return h.digest('hex');
}

/**
 * A temp copy of test/consumers/<name> with check.js in its src/, and the packed tarball plus the
 * fixture's own (pinned) devDependencies installed. Reinstalls only when the tarball changed.
 */
export async function installFixture(name) {
  const tarball = await packTarball();
  const dir = join(workDir(), name);
  const stamp = join(dir, '.weft-installed');
  const key = `${tarball} ${statSync(tarball).mtimeMs} ${readFileSync(join(consumersDir, name, 'package.json'), 'utf8')}`;
  const fresh = !(existsSync(stamp) && readFileSync(stamp, 'utf8') === key);
  if (fresh) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(join(consumersDir, name), dir, { recursive: true });
  } else {
    // Sources may have changed; node_modules is what we keep.
    for (const e of readdirSync(join(consumersDir, name))) {
      if (e !== 'node_modules') cpSync(join(consumersDir, name, e), join(dir, e), { recursive: true });
    }
  }
  mkdirSync(join(dir, 'src'), { recursive: true });
  cpSync(join(consumersDir, 'check.js'), join(dir, 'src', 'check.js'));
  if (fresh) {
    await sh('npm', ['install', ...NPM_INSTALL_FLAGS, tarball], { cwd: dir });
    writeFileSync(stamp, key);
  }
  return dir;
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** What CDNs send: any origin may fetch (CORS) and embed (CORP) the files. */
export const CDN_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/**
 * Serves `root` on 127.0.0.1 (a free port). `headers` go on every response. `pages` maps a path
 * to an HTML string served in place of a file. `hostname` only names the origin returned
 * (`localhost` gives a second origin for the same address). Returns { origin, port, requests, close }.
 */
export async function serve(root, { headers = {}, pages = {}, hostname = '127.0.0.1' } = {}) {
  const base = resolve(root);
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
    if (req.method === 'OPTIONS') {
      res.setHeader('Access-Control-Allow-Methods', 'GET');
      res.writeHead(204).end();
      return;
    }
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    if (pages[path] !== undefined) {
      res.writeHead(200, { 'Content-Type': MIME['.html'] }).end(pages[path]);
      return;
    }
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end('not found');
    res.writeHead(200, { 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
    res.end(readFileSync(file));
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  return {
    port,
    origin: `http://${hostname}:${port}`,
    requests,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()); }),
  };
}

/** Headless Chromium (Debian's), fresh profile, flags that keep it off the network. */
export async function launchChromium() {
  const { launch } = await import('puppeteer-core');
  const userDataDir = mkdtempSync(join(tmpdir(), 'weft-consumer-chromium-'));
  const browser = await launch({
    executablePath: process.env.WEFT_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    userDataDir,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const close = browser.close.bind(browser);
  browser.close = async () => {
    try { await close(); } finally { rmSync(userDataDir, { recursive: true, force: true }); }
  };
  return browser;
}

/**
 * Opens `url` in a new page and waits for `window.__WEFT_RESULT__` (set by check.js). Returns
 * { result, logs }, logs being console messages and page errors (shown when a check fails).
 */
export async function runPage(browser, url, { timeout = 120_000 } = {}) {
  const page = await browser.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => logs.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  try {
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForFunction(() => globalThis.__WEFT_RESULT__ !== undefined, { timeout, polling: 100 });
    const result = await page.evaluate(() => globalThis.__WEFT_RESULT__);
    return { result, logs };
  } catch (error) {
    error.message += `\npage logs:\n${logs.join('\n')}`;
    throw error;
  } finally {
    await page.close().catch(() => {});
  }
}

/** The checks every page result must pass, with the mode the page was served for. */
export function assertResult(assert, { result, logs }, { isolated }) {
  const context = `${JSON.stringify(result)}\npage logs:\n${logs.join('\n')}`;
  assert.equal(result.error, undefined, `the page threw: ${context}`);
  assert.equal(result.ok, true, `matmul result wrong: ${context}`);
  assert.equal(result.pageCrossOriginIsolated, isolated, `page isolation: ${context}`);
  assert.equal(result.mode, isolated ? 'shared' : 'fallback', `info().mode: ${context}`);
  assert.equal(result.threads, isolated ? 2 : 1, `info().threads: ${context}`);
  assert.equal(result.errorCode, 'INVALID_ARGUMENT', `bad shape → WeftError INVALID_ARGUMENT: ${context}`);
  if (isolated) assert.equal(result.workersWithChunks, 2, `both workers ran matmul chunks: ${context}`);
}
