// Small DOM and formatting helpers, and the one "long run" controller every panel uses for
// progress, cancellation (AbortSignal) and not running two measurements at once.

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => [...root.querySelectorAll(selector)];

/** `el('td', { class: 'ok' }, 'text', child)`: attributes, then children (strings or nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'style') node.style.cssText = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) node.append(c);
  return node;
}

export function formatMs(ms) {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  if (ms < 10_000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(1)} s`;
}

export function formatNumber(x, digits = 1) {
  if (!Number.isFinite(x)) return '—';
  return x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export const isAbort = (error) => error?.name === 'AbortError' || error?.code === 'ABORTED';

export const median = (xs) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Yields to the event loop (and the renderer), so progress text paints during long runs. */
export const nextFrame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));

/**
 * Measurements (playground, GEMM) must not overlap: they would time each other. One holder at
 * a time; the others' run buttons are disabled with the reason while it runs.
 */
const listeners = new Set();
export const exclusive = {
  holder: null,
  acquire(name) {
    if (this.holder) return false;
    this.holder = name;
    for (const l of listeners) l(this.holder);
    return true;
  },
  release(name) {
    if (this.holder !== name) return;
    this.holder = null;
    for (const l of listeners) l(null);
  },
  subscribe(listener) {
    listeners.add(listener);
  },
};

/**
 * A panel's long run: disables its run buttons, enables Cancel, shows progress, and hands the
 * work an AbortSignal. `run(fn)` resolves to fn's result, or to undefined if cancelled (the
 * status then says so); other errors are shown and rethrown.
 */
export class LongRun {
  constructor({ name, runButtons, cancelButton, progress, progressText }) {
    Object.assign(this, { name, runButtons, cancelButton, progress, progressText });
    this.controller = null;
    cancelButton.addEventListener('click', () => this.controller?.abort(new DOMException('Cancelled', 'AbortError')));
    exclusive.subscribe((holder) => this.#sync(holder));
  }

  get running() {
    return this.controller !== null;
  }

  #sync(holder) {
    const blocked = holder !== null && holder !== this.name;
    for (const b of this.runButtons) {
      b.disabled = holder !== null;
      b.title = blocked ? `Waiting: the ${holder} is running` : '';
    }
    if (blocked && !this.running) this.report(null, `Waiting for the ${holder} to finish.`);
    else if (holder === null && !this.running && this.progressText.dataset.waiting) this.report(0, 'Idle.');
  }

  /** progress: a fraction in [0, 1], or null for indeterminate. */
  report(fraction, text) {
    if (fraction === null) this.progress.removeAttribute('value');
    else this.progress.value = fraction;
    if (text !== undefined) {
      this.progressText.textContent = text;
      if (text.startsWith('Waiting')) this.progressText.dataset.waiting = '1';
      else delete this.progressText.dataset.waiting;
    }
  }

  async run(fn) {
    if (!exclusive.acquire(this.name)) return undefined;
    this.controller = new AbortController();
    this.cancelButton.disabled = false;
    const signal = this.controller.signal;
    try {
      return await fn(signal, (fraction, text) => this.report(fraction, text));
    } catch (error) {
      if (isAbort(error) || signal.aborted) {
        this.report(0, 'Cancelled.');
        return undefined;
      }
      this.report(0, `Failed: ${error?.message ?? error}`);
      throw error;
    } finally {
      this.controller = null;
      this.cancelButton.disabled = true;
      exclusive.release(this.name);
    }
  }
}
