// Plain-JS references of the DATA kernels (sort, argsort, prefixSum, histogram, transpose,
// softmax) and of gemm / batchedMatmul. The tests check the kernels against these; the kernel
// bench (bench/kernels-data.js) times the `js*` ones as the plain-JS baseline.
//
// References that define semantics (`ref*`) favour clarity; the `js*` baselines are what a JS
// programmer would write for speed, with the same results.

/** TypedArray.prototype.sort's order: NaNs last (all equal), -0 before +0. */
export function compareTyped(a, b) {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : 1;
  if (Number.isNaN(b)) return -1;
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === 0 && b === 0) return (Object.is(a, -0) ? 0 : 1) - (Object.is(b, -0) ? 0 : 1);
  return 0;
}

/** Sorted copy: the engine's own TypedArray sort (the semantics weft promises). */
export const refSort = (x) => x.slice().sort();

/** Stable argsort: indices ordered by `compareTyped`, ties by index. */
export function refArgsort(x) {
  const idx = Array.from({ length: x.length }, (_, i) => i);
  idx.sort((i, j) => compareTyped(x[i], x[j]) || i - j);
  return Uint32Array.from(idx);
}

/**
 * Prefix sums in f64, with what weft's error bound needs: `abs[i]` = Σ|x_j| over the terms of
 * out[i], `window[i]` = the same over its 64-element block only.
 */
export function refPrefixSum(x, exclusive = false) {
  const n = x.length;
  const value = new Float64Array(n), abs = new Float64Array(n), window = new Float64Array(n);
  let s = 0, a = 0, w = 0;
  for (let i = 0; i < n; i++) {
    if (i % 64 === 0) w = 0;
    if (exclusive) { value[i] = s; abs[i] = a; window[i] = w; }
    s += x[i];
    a += Math.abs(x[i]);
    w += Math.abs(x[i]);
    if (!exclusive) { value[i] = s; abs[i] = a; window[i] = w; }
  }
  return { value, abs, window };
}

/** The plain-JS prefix sum (f64 running sum), the bench baseline. */
export function jsPrefixSum(x, exclusive = false) {
  const out = new Float32Array(x.length);
  let s = 0;
  if (exclusive) {
    for (let i = 0; i < x.length; i++) { out[i] = s; s += x[i]; }
  } else {
    for (let i = 0; i < x.length; i++) { s += x[i]; out[i] = s; }
  }
  return out;
}

/** numpy's equal-width edges: e_i = i·((hi − lo)/bins) + lo in f64, e_bins = hi. */
export function linspaceEdges(bins, lo, hi) {
  const step = (hi - lo) / bins;
  const e = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) e[i] = i * step + lo;
  e[bins] = hi;
  return e;
}

/** The range a histogram uses: given (equal ends widened by 0.5), or the finite min/max. */
export function histogramRange(x, range) {
  let lo, hi;
  if (range) [lo, hi] = range;
  else {
    lo = Infinity; hi = -Infinity;
    for (const v of x) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (lo > hi) [lo, hi] = [0, 1];
  }
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/**
 * numpy.histogram semantics by binary search over the edges: bin i counts e_i ≤ v < e_{i+1},
 * the last bin also v == e_last; outside and NaN ignored. `options`: { bins, range? } or { edges }.
 */
export function refHistogram(x, options) {
  const edges = options.edges ? Float64Array.from(options.edges) : linspaceEdges(options.bins, ...histogramRange(x, options.range));
  const bins = edges.length - 1;
  const counts = new Uint32Array(bins);
  for (const v of x) {
    if (!(v >= edges[0] && v <= edges[bins])) continue;
    // number of edges ≤ v, minus one (the last edge belongs to the last bin)
    let lo = 0, hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= v) lo = mid + 1; else hi = mid;
    }
    counts[Math.min(lo - 1, bins - 1)]++;
  }
  return counts;
}

/** The plain-JS equal-width histogram (estimate, then settle on the edges), the bench baseline. */
export function jsHistogram(x, bins, lo, hi) {
  const counts = new Uint32Array(bins);
  const norm = bins / (hi - lo), step = (hi - lo) / bins;
  for (let j = 0; j < x.length; j++) {
    const v = x[j];
    if (!(v >= lo && v <= hi)) continue;
    let i = Math.floor((v - lo) * norm);
    if (i >= bins) i = bins - 1;
    if (v < i * step + lo) i--;
    else if (i + 1 < bins && v >= (i + 1) * step + lo) i++;
    counts[i]++;
  }
  return counts;
}

/** out[j·rows + i] = x[i·cols + j]. */
export function refTranspose(x, rows, cols) {
  const out = new x.constructor(x.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

/**
 * Row-wise softmax in f64, weft's definition: a NaN makes the row NaN; if the row max is
 * ±Infinity, the entries equal to it share 1 and the rest get 0; otherwise exp(x − max)/Σ.
 */
export function refSoftmax(x, rows, cols) {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]); // Math.max propagates NaN
    if (Number.isNaN(m)) {
      out.fill(NaN, o, o + cols);
    } else if (!Number.isFinite(m)) {
      let count = 0;
      for (let j = 0; j < cols; j++) if (x[o + j] === m) count++;
      for (let j = 0; j < cols; j++) out[o + j] = x[o + j] === m ? 1 / count : 0;
    } else {
      let s = 0;
      for (let j = 0; j < cols; j++) { const e = Math.exp(x[o + j] - m); out[o + j] = e; s += e; }
      for (let j = 0; j < cols; j++) out[o + j] /= s;
    }
  }
  return out;
}

/** The plain-JS softmax (finite inputs), the bench baseline. */
export function jsSoftmax(x, rows, cols) {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let m = -Infinity;
    for (let j = 0; j < cols; j++) if (x[o + j] > m) m = x[o + j];
    let s = 0;
    for (let j = 0; j < cols; j++) { const e = Math.exp(x[o + j] - m); out[o + j] = e; s += e; }
    const inv = 1 / s;
    for (let j = 0; j < cols; j++) out[o + j] *= inv;
  }
  return out;
}

/**
 * C = alpha·op(A)·op(B) + beta·C in f64 (beta = 0: C not read), plus bound[i] = |alpha|·Σ|a·b|
 * + |beta·c| for the tolerance. A is m×k (k×m stored when transA), B k×n (n×k when transB).
 */
export function refGemm(a, b, c, { m, k, n, alpha = 1, beta = 0, transA = false, transB = false }) {
  const f = Math.fround;
  const al = f(alpha), be = f(beta);
  const out = new Float64Array(m * n), bound = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0, abs = 0;
      if (al !== 0) {
        for (let p = 0; p < k; p++) {
          const t = (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
          s += t;
          abs += Math.abs(t);
        }
      }
      const old = be === 0 ? 0 : be * c[i * n + j];
      out[i * n + j] = (al === 0 ? 0 : al * s) + old;
      bound[i * n + j] = Math.abs(al) * abs + Math.abs(old);
    }
  }
  return { c: out, bound };
}

/** C_i = A_i·B_i over a contiguous batch, f64, with bounds. */
export function refBatchedMatmul(a, b, { batch, m, k, n }) {
  const c = new Float64Array(batch * m * n), bound = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const r = refGemm(a.subarray(t * m * k, (t + 1) * m * k), b.subarray(t * k * n, (t + 1) * k * n), null, { m, k, n });
    c.set(r.c, t * m * n);
    bound.set(r.bound, t * m * n);
  }
  return { c, bound };
}

/** The plain-JS batched matmul (i-k-j loops into a Float32Array), the bench baseline. */
export function jsBatchedMatmul(a, b, batch, m, k, n) {
  const c = new Float32Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = t * m * k, bo = t * k * n, co = t * m * n;
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const aip = a[ao + i * k + p];
        const br = bo + p * n, cr = co + i * n;
        for (let j = 0; j < n; j++) c[cr + j] += aip * b[br + j];
      }
    }
  }
  return c;
}
