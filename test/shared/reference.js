// Plain-JS references for every weft kernel, plus a seeded PRNG for test inputs.
// Elementwise references round each result to f32 (what a correct f32 kernel must return);
// reductions and matmul accumulate in f64 and also return the magnitude sum the tolerance scales with.

const f32 = Math.fround;

/** Sizes that hit every remainder mod the SIMD width and chunk boundaries, up to several chunks. */
export const SIZES = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33, 1000, 4095, 4096, 4097, 65535, 65536, 65537, 100003];

/** 32-bit FNV-1a of a string: turns a test's name into its seed. */
export function seedOf(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function rng(seed) {
  let s = (typeof seed === 'string' ? seedOf(seed) : seed) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Float32Array of n values uniform in [lo, hi) (rounded to f32). */
export function randomF32(seed, n, lo = -1, hi = 1) {
  const r = typeof seed === 'function' ? seed : rng(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * r();
  return out;
}

/** Special values, cycled through by `specialF32`. */
export const SPECIALS = [
  NaN, Infinity, -Infinity, 0, -0, 1, -1, 0.5, -2.5,
  3.4028234663852886e38, -3.4028234663852886e38, // ±f32 max
  1.1754943508222875e-38, // smallest normal
  1.401298464324817e-45, -1.401298464324817e-45, // ±smallest subnormal
  5.877471754111438e-39, // a subnormal
  1e-20, 65504, 16777216, 16777217, // 2^24 and a value that rounds to it
];

/** A Float32Array of length n mixing specials (at a seed-dependent phase) with random values. */
export function specialF32(seed, n) {
  const r = rng(seed);
  const out = randomF32(r, n, -4, 4);
  const phase = Math.floor(r() * SPECIALS.length);
  for (let i = 0; i < n; i += 1 + Math.floor(r() * 3)) out[i] = SPECIALS[(i + phase) % SPECIALS.length];
  return out;
}

// ---- elementwise: exact f32 results -------------------------------------------------------------

export function refAdd(x, y) {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] + y[i]; // f64 sum of two f32 then round: correctly rounded
  return out;
}

export function refMul(x, y) {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * y[i]; // exact in f64, one rounding to f32
  return out;
}

export function refScale(alpha, x) {
  const a = f32(alpha);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = a * x[i];
  return out;
}

/**
 * axpy may be computed unfused (round(round(a*x) + y)) or fused (round(a*x + y)), so the reference
 * gives both. a*x of two f32 is exact in f64, so `fused` is the single-rounding result.
 */
export function refAxpy(alpha, x, y) {
  const a = f32(alpha);
  const n = x.length;
  const unfused = new Float32Array(n), fused = new Float32Array(n), mag = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = a * x[i];
    unfused[i] = f32(p) + y[i];
    fused[i] = p + y[i];
    mag[i] = Math.abs(p) + Math.abs(y[i]);
  }
  return { unfused, fused, mag };
}

// ---- reductions: f64 accumulation ---------------------------------------------------------------

export function refSum(x) {
  let s = 0, abs = 0;
  for (let i = 0; i < x.length; i++) { s += x[i]; abs += Math.abs(x[i]); }
  return { value: s, abs };
}

export function refDot(x, y) {
  let s = 0, abs = 0;
  for (let i = 0; i < x.length; i++) { const p = x[i] * y[i]; s += p; abs += Math.abs(p); }
  return { value: s, abs };
}

export function refMin(x) {
  let m = Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isNaN(v)) return NaN;
    if (v < m) m = v;
  }
  return m;
}

export function refMax(x) {
  let m = -Infinity;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isNaN(v)) return NaN;
    if (v > m) m = v;
  }
  return m;
}

// ---- matmul --------------------------------------------------------------------------------------

/** C = A·B (row-major, A m×k, B k×n) in f64, plus bound[i,j] = Σ_k |a_ik·b_kj| for the tolerance. */
export function refMatmul(a, b, m, k, n) {
  const c = new Float64Array(m * n), bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      const brow = p * n;
      for (let j = 0; j < n; j++) {
        const t = aip * b[brow + j];
        c[row + j] += t;
        bound[row + j] += Math.abs(t);
      }
    }
  }
  return { c, bound };
}
