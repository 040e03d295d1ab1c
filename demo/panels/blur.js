// Panel 3: image blur in weft. The kernels (rt.kernels.gaussianBlur / boxBlur, RGBA in, RGBA
// out) are feature-checked: a build without them says so and blurs nothing — no JS stand-in.
import { $, formatMs, formatNumber, median } from '../lib/dom.js';

const KERNELS = { gaussianBlur: 'Gaussian', boxBlur: 'Box' };
/** Larger user images are scaled down to this many pixels on their longer side. */
const MAX_SIDE = 2048;
const sampleUrl = new URL('../sample.png', import.meta.url);

export function initBlur({ rt, info }) {
  const available = Object.fromEntries(Object.keys(KERNELS).map((k) => [k, k in rt.kernels]));
  const srcCanvas = $('#blur-src');
  const outCanvas = $('#blur-out');
  const kind = $('#blur-kind');
  const radius = $('#blur-radius');
  const threads = $('#blur-threads');
  const times = [];
  let source = null; // ImageData
  let sourceName = '';
  let running = false;
  let pending = false;
  let loaded = false;

  threads.max = String(info.threads);
  threads.value = String(info.threads);
  $('#blur-threads-out').textContent = threads.value;
  for (const option of kind.options) {
    if (!available[option.value]) {
      option.disabled = true;
      option.textContent += ' (not available)';
    }
  }
  const anyAvailable = Object.values(available).some(Boolean);
  if (!anyAvailable) {
    const box = $('#blur-unavailable');
    box.hidden = false;
    box.textContent = 'Blur kernel not available in this build: rt.kernels.gaussianBlur and rt.kernels.boxBlur are missing from this version of weft. The original image is shown; nothing is blurred.';
    for (const c of [kind, radius, threads]) c.disabled = true;
    $('#blur-out-caption').textContent = 'Blurred in weft — kernel not available in this build';
    outCanvas.dataset.state = 'unavailable';
  } else if (!available[kind.value]) {
    kind.value = Object.keys(available).find((k) => available[k]);
  }

  async function load(blob, name) {
    const bitmap = await createImageBitmap(blob);
    const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    srcCanvas.width = outCanvas.width = width;
    srcCanvas.height = outCanvas.height = height;
    const ctx = srcCanvas.getContext('2d', { willReadFrequently: true });
    ctx.clearRect(0, 0, width, height);
    ctx.drawImage(bitmap, 0, 0, width, height);
    bitmap.close();
    source = ctx.getImageData(0, 0, width, height);
    sourceName = name;
    times.length = 0;
    $('#blur-size').textContent = `${width}×${height}${scale < 1 ? ' (scaled)' : ''}`;
    srcCanvas.setAttribute('aria-label', `Original image: ${name}, ${width} by ${height} pixels`);
    if (anyAvailable) schedule();
    else outCanvas.getContext('2d').clearRect(0, 0, width, height);
  }

  async function loadSample() {
    const response = await fetch(sampleUrl);
    await load(await response.blob(), 'the sample landscape');
  }

  function schedule() {
    if (!source || !anyAvailable) return;
    if (running) {
      pending = true;
      return;
    }
    void blur();
  }

  async function blur() {
    running = true;
    pending = false;
    const k = kind.value;
    const r = Number(radius.value);
    const t = Number(threads.value);
    const { width, height } = source;
    outCanvas.dataset.state = 'running';
    try {
      const t0 = performance.now();
      const result = await rt.kernels[k](source.data, { width, height, radius: r, threads: t });
      const ms = performance.now() - t0;
      // ImageData wants memory of its own (a result in the shared heap is copied out).
      const pixels = result.buffer instanceof ArrayBuffer ? result : new Uint8ClampedArray(result);
      outCanvas.getContext('2d').putImageData(new ImageData(pixels, width, height), 0, 0);
      times.push(ms);
      if (times.length > 10) times.shift();
      $('#blur-time').textContent = formatMs(ms);
      $('#blur-median').textContent = formatMs(median(times));
      $('#blur-rate').textContent = `${formatNumber((width * height) / (ms * 1000), 1)} MP/s`;
      $('#blur-out-caption').textContent = `${KERNELS[k]} blur, radius ${r}, ${t} thread${t > 1 ? 's' : ''}, in weft`;
      outCanvas.setAttribute('aria-label', `${sourceName} after a ${KERNELS[k]} blur of radius ${r}`);
      Object.assign(outCanvas.dataset, { state: pending ? 'running' : 'done', kernel: k, radius: String(r), ms: String(ms) });
    } catch (error) {
      outCanvas.dataset.state = 'error';
      $('#blur-out-caption').textContent = `Blur failed: ${error?.message ?? error}`;
      console.error(error);
    } finally {
      running = false;
      if (pending) schedule();
    }
  }

  radius.addEventListener('input', () => {
    $('#blur-radius-out').textContent = radius.value;
    schedule();
  });
  threads.addEventListener('input', () => {
    $('#blur-threads-out').textContent = threads.value;
    times.length = 0;
    schedule();
  });
  kind.addEventListener('change', () => {
    times.length = 0;
    schedule();
  });
  $('#blur-file').addEventListener('change', (event) => {
    const file = event.target.files?.[0];
    if (file) load(file, file.name).catch((error) => ($('#blur-size').textContent = `could not read ${file.name}: ${error.message}`));
  });
  $('#blur-sample').addEventListener('click', () => void loadSample());

  return {
    show() {
      if (!loaded) {
        loaded = true;
        void loadSample();
      }
    },
  };
}
