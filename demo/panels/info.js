// Panel 5: what rt.info() says, whether the page is cross-origin isolated and how, and in
// fallback mode why not and what to change on the server.
import { FALLBACK_REASONS } from '../isolation.js';
import { $, el } from '../lib/dom.js';

const HEADERS = 'Cross-Origin-Opener-Policy: same-origin\nCross-Origin-Embedder-Policy: require-corp';

const SERVER_SNIPPETS = [
  ['nginx', "add_header Cross-Origin-Opener-Policy same-origin always;\nadd_header Cross-Origin-Embedder-Policy require-corp always;"],
  ['Apache (.htaccess)', 'Header set Cross-Origin-Opener-Policy "same-origin"\nHeader set Cross-Origin-Embedder-Policy "require-corp"'],
  ['Netlify / Cloudflare Pages (_headers)', '/*\n  Cross-Origin-Opener-Policy: same-origin\n  Cross-Origin-Embedder-Policy: require-corp'],
  ['Vite (vite.config)', "server: { headers: {\n  'Cross-Origin-Opener-Policy': 'same-origin',\n  'Cross-Origin-Embedder-Policy': 'require-corp',\n} }"],
  ['Express', "app.use((req, res, next) => {\n  res.set('Cross-Origin-Opener-Policy', 'same-origin');\n  res.set('Cross-Origin-Embedder-Policy', 'require-corp');\n  next();\n});"],
];

function isolationCallout(info, isolation) {
  const box = $('#info-isolation');
  box.dataset.isolated = String(info.crossOriginIsolated);
  if (info.mode === 'shared') {
    const via = isolation.via === 'service-worker'
      ? 'through a service worker (coi-serviceworker) that adds the COOP/COEP headers, because the server did not send them'
      : 'by the server’s COOP/COEP headers';
    box.replaceChildren(
      el('h3', { text: `Cross-origin isolated — shared-memory threads (${info.threads})` }),
      el('p', { text: `This page is cross-origin isolated ${via}, so weft runs in its shared mode: one SharedArrayBuffer-backed WebAssembly memory, ${info.threads} pool workers, kernels split across them without messages.` }),
    );
    return;
  }
  box.classList.add('fallback');
  const reason = FALLBACK_REASONS[isolation.reason] ?? (info.crossOriginIsolated ? 'SharedArrayBuffer is unavailable' : 'the page is not cross-origin isolated');
  const snippets = SERVER_SNIPPETS.map(([name, code]) => el('details', {}, el('summary', { text: name }), el('pre', {}, el('code', { text: code }))));
  box.replaceChildren(
    el('h3', { text: 'Fallback mode: one worker, no shared memory' }),
    el('p', { text: `weft is running, but in fallback mode because ${reason}. Every kernel runs on a single worker and its arrays are copied to it and back; the API and results are the same, only slower.` }),
    el('p', { text: 'Shared-memory threads need a cross-origin isolated page. Serve the page (and its scripts, workers and .wasm) with these two headers:' }),
    el('pre', {}, el('code', { text: HEADERS })),
    el('p', { text: 'Resources loaded from other origins must then allow embedding (Cross-Origin-Resource-Policy or CORS). On hosts that cannot set headers (GitHub Pages), a service worker can add them: this site ships coi-serviceworker for that, which needs service workers to be available (a secure context, not a private window that disables them).' }),
    el('p', { text: 'The same on common servers:' }),
    ...snippets,
  );
}

export function initInfo({ rt, info, isolation }) {
  isolationCallout(info, isolation);
  const infoBody = $('#info-table tbody');
  const envBody = $('#env-table tbody');
  const row = (k, v) => el('tr', {}, el('th', { scope: 'row', text: k }), el('td', { 'data-key': k, text: typeof v === 'object' ? JSON.stringify(v) : String(v) }));

  function refresh() {
    const now = rt.info();
    infoBody.replaceChildren(...Object.entries(now).map(([k, v]) => row(k, v)));
  }
  envBody.replaceChildren(
    row('crossOriginIsolated', globalThis.crossOriginIsolated === true),
    row('isolated by', isolation.isolated ? isolation.via : `— (${isolation.reason})`),
    row('SharedArrayBuffer', typeof SharedArrayBuffer !== 'undefined'),
    row('service worker', navigator.serviceWorker ? (navigator.serviceWorker.controller ? 'controlling this page' : 'available') : 'unavailable'),
    row('secure context', globalThis.isSecureContext === true),
    row('navigator.hardwareConcurrency', navigator.hardwareConcurrency),
    row('user agent', navigator.userAgent),
  );
  refresh();

  let timer = null;
  return {
    show() {
      refresh();
      clearInterval(timer);
      timer = setInterval(refresh, 500);
    },
    hide() {
      clearInterval(timer);
      timer = null;
    },
  };
}
