// A minimal @web/test-runner BrowserLauncher for WebKit (WebKitGTK's MiniBrowser) over W3C
// WebDriver, with nothing but Debian's packages: `webkit2gtk-driver` (WebKitWebDriver, which pulls
// in libwebkit2gtk-4.1 and its MiniBrowser) and `xvfb` (WebKitGTK has no headless mode: it needs a
// display, so a private Xvfb is started when none is set).
//
// The launcher only opens pages: wtr's own page script reports the results over its websocket,
// as with every other launcher. One WebDriver session, one page at a time (concurrency 1).
//
//   WEFT_WEBKIT_DRIVER   WebKitWebDriver binary (default: WebKitWebDriver on PATH)
//   WEFT_MINIBROWSER     MiniBrowser binary (default: Debian's, /usr/lib/<triplet>/webkit2gtk-4.1/MiniBrowser)
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';

function findMiniBrowser() {
  if (process.env.WEFT_MINIBROWSER) return process.env.WEFT_MINIBROWSER;
  for (const lib of ['/usr/lib', '/usr/libexec']) {
    if (!existsSync(lib)) continue;
    for (const d of readdirSync(lib)) {
      for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
        const p = `${lib}/${d}/${api}/MiniBrowser`;
        if (existsSync(p)) return p;
      }
    }
  }
  throw new Error('webkit launcher: no MiniBrowser found (apt-get install webkit2gtk-driver)');
}

async function freePort() {
  const s = createServer();
  await new Promise((ok) => s.listen(0, '127.0.0.1', ok));
  const { port } = s.address();
  await new Promise((ok) => s.close(ok));
  return port;
}

async function waitFor(check, what, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch { /* not yet */ }
    if (Date.now() > end) throw new Error(`webkit launcher: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function webkitLauncher() {
  const children = [];
  const active = new Map();
  let base = null;
  let session = null;
  let starting = null;

  const wd = async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (!res.ok) throw new Error(`WebDriver ${method} ${path}: ${JSON.stringify(json.value)}`);
    return json.value;
  };

  async function start() {
    const env = { ...process.env };
    if (!env.DISPLAY && !env.WAYLAND_DISPLAY) {
      // -displayfd: Xvfb picks a free display number itself and writes it to fd 3.
      const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x800x24', '-nolisten', 'tcp'], {
        stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
      });
      children.push(xvfb);
      let out = '';
      xvfb.stdio[3].on('data', (d) => { out += d; });
      await waitFor(() => /\d+\n/.test(out), 'Xvfb to pick a display');
      env.DISPLAY = `:${out.trim()}`;
    }
    const port = await freePort();
    const driver = spawn(process.env.WEFT_WEBKIT_DRIVER || 'WebKitWebDriver', [`--port=${port}`], { env, stdio: 'ignore' });
    children.push(driver);
    base = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${base}/status`)).ok, 'WebKitWebDriver');
    const created = await wd('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          'webkitgtk:browserOptions': { binary: findMiniBrowser(), args: ['--automation'] },
          timeouts: { pageLoad: 120_000, script: 120_000 },
        },
      },
    });
    session = created.sessionId;
  }

  const ensure = () => (starting ??= start());

  return {
    name: 'WebKit',
    type: 'webkit-webdriver',
    concurrency: 1,
    async initialize() {},
    async startSession(id, url) {
      await ensure();
      active.set(id, url);
      await wd('POST', `/session/${session}/url`, { url });
    },
    isActive: (id) => active.has(id),
    getBrowserUrl: (id) => active.get(id),
    async stopSession(id) {
      active.delete(id);
      // Leave the page so nothing of this test file keeps running into the next one.
      await wd('POST', `/session/${session}/url`, { url: 'about:blank' }).catch(() => {});
      return {};
    },
    async startDebugSession() {
      throw new Error('webkit launcher: no debug sessions');
    },
    async stop() {
      if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
      session = null;
      for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
    },
  };
}
