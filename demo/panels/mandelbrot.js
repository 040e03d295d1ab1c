// Panel 4: the Mandelbrot explorer. rt.kernels.mandelbrot renders RGBA across the pool, one
// kernel chunk per row; the trace of each frame tells which worker rendered which row, shown
// as a strip beside the image. Pan by dragging (or arrow keys), zoom by wheel (or +/-).
// The kernel is feature-checked: without it the panel says so and draws nothing.
import { $, el, exclusive, formatMs, isAbort } from '../lib/dom.js';
import { fitCanvas, onThemeChange, workerColor } from '../lib/theme.js';

const HOME = { cx: -0.6, cy: 0, span: 3.2 }; // span: complex units across the shorter side
/** A frame still running after this long is aborted when the view changes again. */
const ABORT_AFTER_MS = 150;
const MAX_PIXELS = 1_600_000;

export function initMandelbrot({ rt, info }) {
  const available = 'mandelbrot' in rt.kernels;
  const canvas = $('#mb-canvas');
  const wrap = canvas.parentElement;
  const bands = $('#mb-bands');
  const iter = $('#mb-iter');
  const threads = $('#mb-threads');
  threads.max = String(info.threads);
  threads.value = String(info.threads);
  $('#mb-threads-out').textContent = threads.value;

  /** The view: centre and complex units per device pixel. */
  let view = null;
  /** The last finished frame, kept to preview pans and zooms until the next one arrives. */
  let frame = null; // { image: HTMLCanvasElement, cx, cy, scale, width, height }
  let inflight = null; // { controller, started }
  let wanted = false;
  let rows = null; // tid per row of the last traced frame
  let started = false;

  if (!available) {
    const box = $('#mb-unavailable');
    box.hidden = false;
    box.textContent = 'Mandelbrot kernel not available in this build: rt.kernels.mandelbrot is missing from this version of weft, so nothing is rendered.';
    for (const c of [iter, threads, $('#mb-zoom-in'), $('#mb-zoom-out'), $('#mb-reset')]) c.disabled = true;
    for (const part of [$('#mandelbrot .stats'), $('#mandelbrot .mb-view')]) part.hidden = true;
    canvas.dataset.state = 'unavailable';
  }

  function size() {
    const dpr = Math.min(window.devicePixelRatio || 1, 2);
    let width = Math.max(1, Math.round(wrap.clientWidth * dpr));
    let height = Math.max(1, Math.round(wrap.clientHeight * dpr));
    const shrink = Math.sqrt(Math.min(1, MAX_PIXELS / (width * height)));
    width = Math.max(1, Math.round(width * shrink));
    height = Math.max(1, Math.round(height * shrink));
    return { width, height };
  }

  function home() {
    const { width, height } = size();
    view = { cx: HOME.cx, cy: HOME.cy, scale: HOME.span / Math.min(width, height) };
  }

  function readout() {
    $('#mb-center').textContent = `${view.cx.toPrecision(10)} ${view.cy < 0 ? '−' : '+'} ${Math.abs(view.cy).toPrecision(10)}i`;
    const { width, height } = size();
    const zoom = HOME.span / Math.min(width, height) / view.scale;
    $('#mb-zoom').textContent = zoom < 1000 ? `×${zoom.toFixed(zoom < 10 ? 2 : 0)}` : `×${zoom.toExponential(2)}`;
  }

  /** Draws the last frame transformed to the current view (instant feedback while panning). */
  function preview() {
    if (!frame) return;
    const { width, height } = size();
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = canvas.getContext('2d');
    const s = frame.scale / view.scale;
    // Frame pixel (0, 0) is at complex (cx - scale·w/2, cy - scale·h/2); rows go down in y.
    const left = (frame.cx - (frame.scale * frame.width) / 2 - (view.cx - (view.scale * width) / 2)) / view.scale;
    const top = (frame.cy - (frame.scale * frame.height) / 2 - (view.cy - (view.scale * height) / 2)) / view.scale;
    ctx.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--surface-2');
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingEnabled = s < 1;
    ctx.drawImage(frame.image, left, top, frame.width * s, frame.height * s);
  }

  function request() {
    if (!available || !view) return;
    readout();
    preview();
    wanted = true;
    if (inflight) {
      if (performance.now() - inflight.started > ABORT_AFTER_MS) inflight.controller.abort();
      return;
    }
    void render();
  }

  async function render() {
    wanted = false;
    const { width, height } = size();
    const v = { ...view };
    const maxIter = Number(iter.value);
    const t = Number(threads.value);
    const controller = new AbortController();
    inflight = { controller, started: performance.now() };
    // The trace is shared with the playground, which owns it while it runs (and may have
    // started while this frame was rendering: then the recording is its, not ours to stop).
    const playground = () => exclusive.holder === 'composition playground';
    const traced = !playground();
    canvas.dataset.state = 'running';
    try {
      if (traced) rt.trace.start();
      const t0 = performance.now();
      const rgba = await rt.kernels.mandelbrot({ width, height, centerX: v.cx, centerY: v.cy, scale: v.scale, maxIter, threads: t, signal: controller.signal });
      const ms = performance.now() - t0;
      if (traced && !playground()) {
        rt.trace.stop();
        rows = rowsByWorker(rt.trace.export(), height);
      } else rows = null;
      const image = frame?.image.width === width && frame.image.height === height ? frame.image : Object.assign(document.createElement('canvas'), { width, height });
      const pixels = rgba.buffer instanceof ArrayBuffer ? rgba : new Uint8ClampedArray(rgba);
      image.getContext('2d').putImageData(new ImageData(pixels, width, height), 0, 0);
      frame = { image, cx: v.cx, cy: v.cy, scale: v.scale, width, height };
      preview();
      drawBands();
      $('#mb-time').textContent = formatMs(ms);
      canvas.setAttribute('aria-label', `Mandelbrot set around ${v.cx.toPrecision(6)} + ${v.cy.toPrecision(6)}i, ${maxIter} iterations, rendered in ${formatMs(ms)}. Arrow keys pan, plus and minus zoom, 0 resets.`);
      Object.assign(canvas.dataset, {
        state: 'done',
        width: String(width),
        height: String(height),
        cx: String(v.cx),
        cy: String(v.cy),
        scale: String(v.scale),
        maxIter: String(maxIter),
        ms: String(ms),
        workers: rows ? String(new Set(rows.filter(Boolean)).size) : '',
      });
    } catch (error) {
      if (traced && !playground()) rt.trace.stop();
      if (!isAbort(error)) {
        canvas.dataset.state = 'error';
        $('#mb-time').textContent = `failed: ${error?.message ?? error}`;
        console.error(error);
      }
    } finally {
      inflight = null;
      if (wanted) void render();
    }
  }

  /** Row i is kernel chunk i: the tid of the worker that ran it, from this frame's trace. */
  function rowsByWorker(trace, height) {
    const byJob = new Map();
    for (const e of trace.traceEvents) {
      if (e.ph !== 'X' || e.cat !== 'kernel' || !e.args) continue;
      const list = byJob.get(e.args.job) ?? [];
      list.push(e);
      byJob.set(e.args.job, list);
    }
    // The frame's job: the last one that covers every row (an aborted frame's job may linger).
    let best = null;
    for (const list of byJob.values()) {
      if (list.length < height) continue;
      if (!best || list[0].ts > best[0].ts) best = list;
    }
    if (!best) return null;
    const out = new Array(height).fill(0);
    for (const e of best) if (e.args.chunk < height) out[e.args.chunk] = e.tid;
    return out;
  }

  function drawBands() {
    const { ctx, width, height } = fitCanvas(bands, wrap.clientHeight);
    ctx.clearRect(0, 0, width, height);
    const legend = $('#mb-legend');
    if (!rows) {
      legend.replaceChildren(el('span', { text: exclusive.holder ? 'Worker strip paused: the playground is using the trace.' : '' }));
      return;
    }
    const counts = new Map();
    const h = height / rows.length;
    rows.forEach((tid, i) => {
      if (!tid) return;
      counts.set(tid, (counts.get(tid) ?? 0) + 1);
      ctx.fillStyle = workerColor(tid - 1);
      ctx.fillRect(0, i * h, width, Math.max(h, 1) + 0.5);
    });
    const sorted = [...counts.entries()].sort((a, b) => a[0] - b[0]);
    legend.replaceChildren(
      el('span', { text: 'Rows rendered by:' }),
      ...sorted.map(([tid, n]) => el('span', {}, el('span', { class: 'sw', style: `background: ${workerColor(tid - 1)}` }), `worker ${tid - 1} (${n} rows)`)),
    );
    $('#mb-rows').textContent = sorted.map(([tid, n]) => `w${tid - 1}: ${n}`).join(' · ');
  }

  // --- interaction ---
  const zoomAt = (factor, px, py) => {
    // Keeps the complex point under (px, py) (device pixels) fixed.
    const { width, height } = size();
    const re = view.cx + (px - width / 2) * view.scale;
    const im = view.cy + (py - height / 2) * view.scale;
    view.scale /= factor;
    view.cx = re - (px - width / 2) * view.scale;
    view.cy = im - (py - height / 2) * view.scale;
    request();
  };
  const toDevice = (event) => {
    const rect = canvas.getBoundingClientRect();
    const { width, height } = size();
    return [((event.clientX - rect.left) / rect.width) * width, ((event.clientY - rect.top) / rect.height) * height];
  };
  const pan = (dxCss, dyCss) => {
    const { width } = size();
    const perCss = (width / canvas.getBoundingClientRect().width) * view.scale;
    view.cx -= dxCss * perCss;
    view.cy -= dyCss * perCss;
    request();
  };

  let drag = null;
  canvas.addEventListener('pointerdown', (event) => {
    if (!available) return;
    canvas.setPointerCapture(event.pointerId);
    drag = { x: event.clientX, y: event.clientY };
    wrap.classList.add('dragging');
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!drag) return;
    pan(event.clientX - drag.x, event.clientY - drag.y);
    drag = { x: event.clientX, y: event.clientY };
  });
  const endDrag = () => {
    drag = null;
    wrap.classList.remove('dragging');
  };
  canvas.addEventListener('pointerup', endDrag);
  canvas.addEventListener('pointercancel', endDrag);
  canvas.addEventListener(
    'wheel',
    (event) => {
      if (!available) return;
      event.preventDefault();
      const [px, py] = toDevice(event);
      zoomAt(Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015)), px, py);
    },
    { passive: false },
  );
  canvas.addEventListener('keydown', (event) => {
    if (!available) return;
    const { width, height } = size();
    const step = canvas.getBoundingClientRect().width * 0.1;
    const keys = {
      ArrowLeft: () => pan(step, 0),
      ArrowRight: () => pan(-step, 0),
      ArrowUp: () => pan(0, step),
      ArrowDown: () => pan(0, -step),
      '+': () => zoomAt(1.5, width / 2, height / 2),
      '=': () => zoomAt(1.5, width / 2, height / 2),
      '-': () => zoomAt(1 / 1.5, width / 2, height / 2),
      _: () => zoomAt(1 / 1.5, width / 2, height / 2),
      0: () => {
        home();
        request();
      },
    };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
  $('#mb-zoom-in').addEventListener('click', () => {
    const { width, height } = size();
    zoomAt(1.5, width / 2, height / 2);
  });
  $('#mb-zoom-out').addEventListener('click', () => {
    const { width, height } = size();
    zoomAt(1 / 1.5, width / 2, height / 2);
  });
  $('#mb-reset').addEventListener('click', () => {
    home();
    request();
  });
  iter.addEventListener('input', () => {
    $('#mb-iter-out').textContent = iter.value;
    request();
  });
  threads.addEventListener('input', () => {
    $('#mb-threads-out').textContent = threads.value;
    request();
  });
  // Re-render on resize, but not while the panel is hidden (zero size).
  new ResizeObserver(() => started && wrap.clientWidth > 0 && request()).observe(wrap);
  onThemeChange(() => drawBands());

  return {
    show() {
      if (started) return;
      started = true;
      home();
      readout();
      request();
    },
  };
}
