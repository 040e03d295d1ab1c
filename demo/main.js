// The demo site's entry: wait for cross-origin isolation (or settle for fallback), create the
// one runtime every panel shares, then wire the tabs and panels.
import { createRuntime } from 'weft';
import { ensureIsolation, FALLBACK_REASONS } from './isolation.js';
import { $, $$ } from './lib/dom.js';
import { initBlur } from './panels/blur.js';
import { initGemm } from './panels/gemm.js';
import { initInfo } from './panels/info.js';
import { initMandelbrot } from './panels/mandelbrot.js';
import { initPlayground } from './panels/playground.js';

const status = $('#status');

/** Accessible tabs (WAI-ARIA tabs pattern): arrows/Home/End move, the hash remembers. */
function initTabs(panels) {
  const tabs = $$('[role=tab]');
  let current = null;
  const select = (tab, { focus = false, push = true } = {}) => {
    if (current === tab) return;
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute('aria-selected', String(on));
      t.tabIndex = on ? 0 : -1;
      $(`#${t.getAttribute('aria-controls')}`).hidden = !on;
    }
    if (current) panels[current.getAttribute('aria-controls')]?.hide?.();
    current = tab;
    const id = tab.getAttribute('aria-controls');
    if (push) history.replaceState(null, '', `#${id}`);
    if (focus) tab.focus();
    panels[id]?.show?.();
  };
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => select(tab));
    tab.addEventListener('keydown', (event) => {
      const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      select(tabs[(to + tabs.length) % tabs.length], { focus: true });
    });
  });
  const fromHash = () => tabs.find((t) => `#${t.getAttribute('aria-controls')}` === location.hash);
  window.addEventListener('hashchange', () => {
    const tab = fromHash();
    if (tab) select(tab, { push: false });
  });
  select(fromHash() ?? tabs[0], { push: false });
}

async function start() {
  status.textContent = 'Checking cross-origin isolation…';
  const isolation = await ensureIsolation();
  status.textContent = 'Starting weft…';
  const rt = await createRuntime();
  const info = rt.info();
  if (info.mode === 'shared') {
    status.dataset.state = 'shared';
    status.textContent = `Shared memory · ${info.threads} thread${info.threads > 1 ? 's' : ''} · ${info.simd === 'relaxed' ? 'relaxed SIMD' : 'SIMD128'}${isolation.via === 'service-worker' ? ' · isolated by service worker' : ''}`;
  } else {
    status.dataset.state = 'fallback';
    status.replaceChildren('Fallback mode · 1 worker — ', Object.assign(document.createElement('a'), { href: '#info', textContent: 'why?' }));
    status.title = `Not cross-origin isolated: ${FALLBACK_REASONS[isolation.reason] ?? isolation.reason}`;
  }
  $('#footer-mode').textContent = `weft ${info.mode} mode, ${info.threads} thread${info.threads > 1 ? 's' : ''}, ${info.simd}`;

  const ctx = { rt, info, isolation };
  const panels = {
    playground: initPlayground(ctx),
    gemm: initGemm(ctx),
    blur: initBlur(ctx),
    mandelbrot: initMandelbrot(ctx),
    info: initInfo(ctx),
  };
  initTabs(panels);
  // For the console (and the tests): the runtime and how the page got (or did not get) isolated.
  window.weft = { rt, info, isolation };
  document.documentElement.dataset.weft = info.mode;
}

start().catch((error) => {
  status.dataset.state = 'error';
  status.textContent = `weft failed to start: ${error?.message ?? error}`;
  document.documentElement.dataset.weft = 'error';
  console.error(error);
});
