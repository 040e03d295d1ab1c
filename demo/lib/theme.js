// Colours for canvases and charts, read from the stylesheet's custom properties so they follow
// prefers-color-scheme; `onThemeChange` lets a panel redraw when the scheme flips.

const dark = matchMedia('(prefers-color-scheme: dark)');

/** The current value of each --c-* property (and a few page colours). */
export function theme() {
  const s = getComputedStyle(document.documentElement);
  const v = (name) => s.getPropertyValue(name).trim();
  return {
    dark: dark.matches,
    text: v('--text'),
    muted: v('--muted'),
    surface: v('--surface'),
    surface2: v('--surface-2'),
    border: v('--border'),
    task: v('--c-task'),
    kernel: v('--c-kernel'),
    wait: v('--c-wait'),
    busy: v('--c-busy'),
    over: v('--c-over'),
    grid: v('--c-grid'),
    axis: v('--c-axis'),
  };
}

export function onThemeChange(callback) {
  dark.addEventListener('change', callback);
}

/**
 * One colour per worker (thread id 1, 2, ...): a qualitative palette (Okabe–Ito and Tableau
 * hues) tuned for each scheme, cycling after twelve.
 */
const LIGHT = ['#3366cc', '#e8833a', '#2e9e6a', '#c2417f', '#8a63d2', '#b8860b', '#1f9bb4', '#d0452f', '#5f7f1f', '#7a4e2d', '#4b5bd4', '#a23b72'];
const DARK = ['#7d9bff', '#ffa35c', '#4fd39a', '#ff7ab8', '#b99aff', '#f0c04a', '#4fd0ea', '#ff7b66', '#a8d36a', '#d7a27a', '#99a6ff', '#e487b6'];
export function workerColor(index) {
  const palette = dark.matches ? DARK : LIGHT;
  return palette[((index % palette.length) + palette.length) % palette.length];
}

/** A canvas sized to its CSS box at the device pixel ratio; returns the 2-D context in CSS px. */
export function fitCanvas(canvas, cssHeight) {
  const dpr = Math.min(window.devicePixelRatio || 1, 2);
  const width = Math.max(1, Math.round(canvas.clientWidth));
  const height = Math.max(1, Math.round(cssHeight ?? canvas.clientHeight));
  if (cssHeight !== undefined) canvas.style.height = `${height}px`;
  if (canvas.width !== Math.round(width * dpr) || canvas.height !== Math.round(height * dpr)) {
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, width, height };
}
