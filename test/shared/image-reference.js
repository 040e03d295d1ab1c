// Plain-JS references for the image kernels (rt.kernels.gaussianBlur, boxBlur, conv2d,
// mandelbrot), written from the specs in kernels-rs/src/image/. The blurs and Mandelbrot are
// exact integer / IEEE-f64 definitions, so a correct kernel matches them bit for bit; conv2d is
// f32 arithmetic, given here unfused (the SIMD128 build) with the bound the tolerance scales with.
// Also the bench's plain-JS baseline (bench/kernels-image.js), so it is written to be reasonably
// fast: typed arrays, precomputed clamped indices, no per-pixel allocation.

/** Largest blur radius the runtime accepts. */
export const MAX_BLUR_RADIUS = 255;
/** The Gaussian weights sum to 2^14; the intermediate keeps 7 fractional bits. */
const ONE = 1 << 14;

/**
 * exp(-t) for t in [0, 64] from + - * / only (Taylor series of exp(-t/128), squared 7 times), the
 * same operations in the same order as the kernel's, hence the same bits (Math.exp would not be).
 */
export function expNeg(t) {
  const u = t / 128;
  let term = 1, sum = 1;
  for (let k = 1; k <= 20; k++) {
    term = term * -u / k;
    sum += term;
  }
  for (let i = 0; i < 7; i++) sum *= sum;
  return sum;
}

/** The default sigma of rt.kernels.gaussianBlur. */
export const defaultSigma = (radius) => radius / 2;

/**
 * The half kernel q[0..radius] of the Gaussian blur, integers with q[0] + 2·Σq[i≥1] = 2^14:
 * g[i] = exp(-i²/(2σ²)) (0 past an exponent of 64), e[i] = g[i] / (1 + 2·Σg[i≥1]) · 2^14,
 * q = floor(e), then the deficit goes by largest remainder — 1 to the centre if it is odd, then 1
 * to each of the deficit/2 pairs ±i with the largest e[i] − q[i] (ties: smaller i).
 */
export function gaussianWeights(radius, sigma) {
  const q = new Int32Array(radius + 1);
  if (radius === 0) {
    q[0] = ONE;
    return q;
  }
  const g = new Float64Array(radius + 1);
  g[0] = 1;
  const twoS2 = 2 * sigma * sigma;
  let tail = 0;
  for (let i = 1; i <= radius; i++) {
    const t = (i * i) / twoS2;
    g[i] = t > 64 ? 0 : expNeg(t);
    tail += g[i];
  }
  const total = 1 + 2 * tail;
  const frac = new Float64Array(radius + 1);
  let used = 0;
  for (let i = 0; i <= radius; i++) {
    const e = (g[i] / total) * ONE;
    const f = Math.floor(e);
    q[i] = f;
    frac[i] = e - f;
    used += i === 0 ? f : 2 * f;
  }
  let deficit = Math.min(Math.max(ONE - used, 0), 2 * radius);
  if (deficit % 2 === 1) {
    q[0] += 1;
    deficit -= 1;
  }
  const order = Array.from({ length: radius }, (_, i) => i + 1);
  order.sort((a, b) => frac[b] - frac[a] || a - b);
  for (let k = 0; k < deficit / 2; k++) q[order[k]] += 1;
  return q;
}

/** Offsets `clamp(i − r, 0, n − 1)·stride` for i in 0..n+2r: replicated edges. */
function clampedOffsets(n, r, stride) {
  const at = new Int32Array(n + 2 * r);
  for (let i = 0; i < at.length; i++) at[i] = Math.min(Math.max(i - r, 0), n - 1) * stride;
  return at;
}

/**
 * rt.kernels.gaussianBlur in plain JS: h = (Σ w·v + 2^6) >> 7 along rows (7 fractional bits),
 * out = (Σ w·h + 2^20) >> 21 along columns, w[t] = q[|t − r|], edges replicated.
 */
export function gaussianBlurRef(rgba, width, height, radius, sigma = defaultSigma(radius)) {
  const out = new Uint8ClampedArray(width * height * 4);
  if (width === 0 || height === 0) return out;
  const q = gaussianWeights(radius, sigma);
  const taps = 2 * radius + 1;
  const w = new Int32Array(taps);
  for (let t = 0; t < taps; t++) w[t] = q[Math.abs(t - radius)];
  const inter = new Int32Array(width * height * 4);
  const xs = clampedOffsets(width, radius, 4);
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let t = 0; t < taps; t++) {
        const p = row + xs[x + t], wt = w[t];
        r += wt * rgba[p]; g += wt * rgba[p + 1]; b += wt * rgba[p + 2]; a += wt * rgba[p + 3];
      }
      const o = row + x * 4;
      inter[o] = (r + 64) >> 7; inter[o + 1] = (g + 64) >> 7; inter[o + 2] = (b + 64) >> 7; inter[o + 3] = (a + 64) >> 7;
    }
  }
  const ys = clampedOffsets(height, radius, width * 4);
  const half = 1 << 20;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let t = 0; t < taps; t++) {
        const p = ys[y + t] + x * 4, wt = w[t];
        r += wt * inter[p]; g += wt * inter[p + 1]; b += wt * inter[p + 2]; a += wt * inter[p + 3];
      }
      const o = (y * width + x) * 4;
      out[o] = (r + half) >> 21; out[o + 1] = (g + half) >> 21; out[o + 2] = (b + half) >> 21; out[o + 3] = (a + half) >> 21;
    }
  }
  return out;
}

/**
 * rt.kernels.boxBlur in plain JS: the exact mean of the (2r+1)² window with replicated edges,
 * rounded to nearest (floor((T + (d−1)/2) / d), d = (2r+1)² odd), by running sums.
 */
export function boxBlurRef(rgba, width, height, radius) {
  const out = new Uint8ClampedArray(width * height * 4);
  if (width === 0 || height === 0) return out;
  const inter = new Int32Array(width * height * 4);
  const xs = clampedOffsets(width, radius + 1, 4); // xs[i] = clamp(i − r − 1)·4
  const r1 = radius + 1;
  for (let y = 0; y < height; y++) {
    const row = y * width * 4;
    for (let c = 0; c < 4; c++) {
      let s = 0;
      for (let t = -radius; t <= radius; t++) s += rgba[row + xs[t + r1] + c];
      for (let x = 0; x < width; x++) {
        inter[row + x * 4 + c] = s;
        s += rgba[row + xs[x + radius + 1 + r1] + c] - rgba[row + xs[x - radius + r1] + c];
      }
    }
  }
  const d = (2 * radius + 1) * (2 * radius + 1);
  const half = (d - 1) / 2;
  const stride = width * 4;
  const ys = clampedOffsets(height, radius + 1, stride);
  const acc = new Int32Array(stride);
  for (let t = -radius; t <= radius; t++) {
    const p = ys[t + r1];
    for (let i = 0; i < stride; i++) acc[i] += inter[p + i];
  }
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    for (let i = 0; i < stride; i++) out[o + i] = ((acc[i] + half) / d) | 0;
    const enter = ys[y + radius + 1 + r1], leave = ys[y - radius + r1];
    for (let i = 0; i < stride; i++) acc[i] += inter[enter + i] - inter[leave + i];
  }
  return out;
}

/**
 * rt.kernels.conv2d in plain JS: "same" correlation, taps outside the image skipped, each output
 * summed from 0 in row-major tap order in f32, unfused (round the product, round the sum).
 * Returns { out, bound } with bound[i] = Σ|f·x| over the taps (for a tolerance on fused builds);
 * `{ bound: false }` skips the bound (bound is then null): the bench's plain-JS baseline.
 */
export function conv2dRef(x, filter, width, height, k, { bound: withBound = true } = {}) {
  const out = new Float32Array(width * height);
  const bound = withBound ? new Float64Array(width * height) : null;
  const c = k >> 1;
  const f32 = Math.fround;
  for (let y = 0; y < height; y++) {
    const i0 = Math.max(0, c - y), i1 = Math.min(k, height + c - y);
    for (let xx = 0; xx < width; xx++) {
      const j0 = Math.max(0, c - xx), j1 = Math.min(k, width + c - xx);
      let acc = 0;
      for (let i = i0; i < i1; i++) {
        const row = (y + i - c) * width + xx - c, frow = i * k;
        for (let j = j0; j < j1; j++) acc = f32(acc + f32(filter[frow + j] * x[row + j]));
      }
      out[y * width + xx] = acc;
      if (bound) {
        let mag = 0;
        for (let i = i0; i < i1; i++) {
          const row = (y + i - c) * width + xx - c, frow = i * k;
          for (let j = j0; j < j1; j++) mag += Math.abs(filter[frow + j] * x[row + j]);
        }
        bound[y * width + xx] = mag;
      }
    }
  }
  return { out, bound };
}

// ---- Mandelbrot -----------------------------------------------------------------------------

/** Control colours of the cyclic palette (RGB), eight iterations apart. */
export const MANDELBROT_STOPS = [
  [0, 7, 100], [32, 107, 203], [237, 255, 255], [255, 170, 0],
  [160, 60, 0], [60, 10, 40], [10, 2, 60], [0, 30, 140],
];

/**
 * The colour of a pixel that escaped after n iterations (n < maxIter): p = n % 64 between stops
 * a = STOPS[p >> 3] and b = STOPS[(p >> 3) + 1 mod 8] at f = p & 7, each channel
 * floor((a·(8 − f) + b·f + 4) / 8); alpha 255. Inside (n === maxIter): opaque black.
 */
export function mandelbrotColour(n, maxIter) {
  if (n >= maxIter) return [0, 0, 0, 255];
  const p = n % 64, k = p >> 3, f = p & 7;
  const a = MANDELBROT_STOPS[k], b = MANDELBROT_STOPS[(k + 1) % 8];
  const ch = (i) => Math.floor((a[i] * (8 - f) + b[i] * f + 4) / 8);
  return [ch(0), ch(1), ch(2), 255];
}

/** The point of pixel (x, y): [centerX + (x − width/2)·scale, centerY + (y − height/2)·scale] in f64. */
export function mandelbrotPoint(x, y, { width, height, centerX, centerY, scale }) {
  return [centerX + (x - width / 2) * scale, centerY + (y - height / 2) * scale];
}

/**
 * The kernel iterates in f32 when the view is coarse — scale ≥ 2^-17·max(1, |centerX|, |centerY|)
 * (neighbouring pixels ≥ 64 f32 ulps apart) — and in f64 otherwise.
 */
export function mandelbrotUsesF32({ centerX, centerY, scale }) {
  return scale >= Math.max(1, Math.abs(centerX), Math.abs(centerY)) / 131072;
}

/** Iterations before |z|² > 4 from z = 0 (maxIter if never): the kernel's exact f64 sequence. */
export function escapeCount(cr, ci, maxIter) {
  let zr = 0, zi = 0, n = 0;
  while (n < maxIter) {
    const zr2 = zr * zr, zi2 = zi * zi;
    if (!(zr2 + zi2 <= 4)) break;
    zi = (zr + zr) * zi + ci;
    zr = zr2 - zi2 + cr;
    n++;
  }
  return n;
}

/**
 * The same in IEEE f32: c rounded to f32, every operation rounded to f32 (for f32 operands,
 * rounding the exact-or-f64 result once more to f32 is the correctly rounded f32 operation).
 */
export function escapeCountF32(cr, ci, maxIter) {
  const f = Math.fround;
  cr = f(cr);
  ci = f(ci);
  let zr = 0, zi = 0, n = 0;
  while (n < maxIter) {
    const zr2 = f(zr * zr), zi2 = f(zi * zi);
    if (!(f(zr2 + zi2) <= 4)) break;
    zi = f(f(f(zr + zr) * zi) + ci);
    zr = f(f(zr2 - zi2) + cr);
    n++;
  }
  return n;
}

/** The escape count of pixel (x, y) of a view, in the precision the kernel uses for it. */
export function mandelbrotCount(x, y, view) {
  const [cr, ci] = mandelbrotPoint(x, y, view);
  return (mandelbrotUsesF32(view) ? escapeCountF32 : escapeCount)(cr, ci, view.maxIter);
}

/**
 * rt.kernels.mandelbrot in plain JS. `{ f64: true }` iterates in f64 whatever the scale: the
 * natural plain-JS renderer, the bench's baseline (not the kernel's image for coarse views).
 */
export function mandelbrotRef(view, { f64 = false } = {}) {
  const { width, height, maxIter } = view;
  const out = new Uint8ClampedArray(width * height * 4);
  const lut = Array.from({ length: 64 }, (_, n) => mandelbrotColour(n, Infinity));
  const count = mandelbrotUsesF32(view) && !f64 ? escapeCountF32 : escapeCount;
  for (let y = 0; y < height; y++) {
    const ci = view.centerY + (y - height / 2) * view.scale;
    for (let x = 0; x < width; x++) {
      const n = count(view.centerX + (x - width / 2) * view.scale, ci, maxIter);
      const o = (y * width + x) * 4;
      if (n >= maxIter) {
        out[o + 3] = 255;
      } else {
        const c = lut[n % 64];
        out[o] = c[0]; out[o + 1] = c[1]; out[o + 2] = c[2]; out[o + 3] = 255;
      }
    }
  }
  return out;
}

/** Deterministic pseudo-random RGBA bytes (xorshift32). */
export function randomRgba(seed, n) {
  const out = new Uint8ClampedArray(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    out[i] = s >>> 24;
  }
  return out;
}
