// DATA family cases of the kernel bench (bench/kernels.js): sort, argsort, prefixSum, histogram,
// transpose, softmax, gemm and batchedMatmul, each against its plain-JS baseline
// (test/shared/data-reference.js; for sort the engine's own TypedArray.prototype.sort) measured
// in the same run. Every case checks the last weft result (threads = budget) against the
// reference the tests use. Case shape: see bench/kernels-image.js.
import {
  jsBatchedMatmul,
  jsHistogram,
  jsPrefixSum,
  jsSoftmax,
  refArgsort,
  refBatchedMatmul,
  refGemm,
  refHistogram,
  refTranspose,
} from '../test/shared/data-reference.js';
import { checkPrefixSum, checkSoftmax, sameValues, sortInput } from '../test/shared/data.js';
import { fillRandom } from './timing.js';

export const family = 'data';

/** Each `got[i]` within `rel · bound[i]` of `want[i]` (bound: the sum of the products' magnitudes). */
function tolerance(got, want, bound, rel, what) {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= rel * bound[i] + 1e-30)) throw new Error(`${what}: [${i}] = ${got[i]}, expected ${want[i]}`);
  }
}

/** Elementwise-shaped case: one input `x` (heap), one output of `outType`. */
function unaryCase({ kernel, size, n, inputType = Float32Array, outType = Float32Array, input, options = {}, js, check }) {
  return {
    kernel,
    size,
    unit: 'Melem/s',
    setup(rt) {
      const x = rt.alloc(inputType, n), out = rt.alloc(outType, n);
      x.set(input(n));
      const plain = x.slice();
      let last = null;
      return {
        work: n,
        weft: async (threads) => { last = await rt.kernels[kernel](x, { ...options, out, threads }); },
        weftPlain: async (threads) => { last = await rt.kernels[kernel](plain, { ...options, threads }); },
        js: () => js(plain),
        check: (want) => check(last, want, plain),
        dispose: () => { rt.free(x); rt.free(out); },
      };
    },
  };
}

const random = (seed) => (n) => fillRandom(new Float32Array(n), seed);

function sortCase(type, n) {
  return unaryCase({
    kernel: 'sort',
    size: `${n.toExponential(0)} ${type.name}`,
    n,
    inputType: type,
    outType: type,
    input: (len) => sortInput(type, 'random', len, 'bench'),
    js: (x) => x.slice().sort(),
    check: (got, want) => sameValues(got, want, `sort ${type.name} ${n}`),
  });
}

function argsortCase(n) {
  return unaryCase({
    kernel: 'argsort',
    size: `${n.toExponential(0)} Float32Array`,
    n,
    outType: Uint32Array,
    input: random(5),
    js: refArgsort,
    check: (got, want) => sameValues(got, want, `argsort ${n}`),
  });
}

/** Inclusive prefix sum of `n` random floats (n a power of ten). */
function prefixSumCase(n, seed) {
  const size = `1e${Math.log10(n)}`;
  return unaryCase({
    kernel: 'prefixSum',
    size,
    n,
    input: random(seed),
    js: (x) => jsPrefixSum(x),
    check: (got, _want, x) => checkPrefixSum(got, x, false, `prefixSum ${size}`),
  });
}

function histogramCase(n, bins, range) {
  return {
    kernel: 'histogram',
    size: `${n.toExponential(0)}, ${bins} bins${range ? '' : ', auto range'}`,
    unit: 'Melem/s',
    setup(rt) {
      const x = rt.alloc(Float32Array, n), out = rt.alloc(Uint32Array, bins);
      fillRandom(x, 7);
      const plain = x.slice();
      const options = range ? { bins, range } : { bins };
      let last = null;
      return {
        work: n,
        weft: async (threads) => { last = await rt.kernels.histogram(x, { ...options, out, threads }); },
        weftPlain: async (threads) => { last = await rt.kernels.histogram(plain, { ...options, threads }); },
        js: () => {
          if (range) return jsHistogram(plain, bins, range[0], range[1]);
          // Automatic range: a min/max pass first, as weft does.
          let lo = Infinity, hi = -Infinity;
          for (let i = 0; i < plain.length; i++) { const v = plain[i]; if (v < lo) lo = v; if (v > hi) hi = v; }
          return jsHistogram(plain, bins, lo, hi);
        },
        check: (want) => {
          sameValues(last, want, `histogram ${n} ${bins} (JS baseline)`);
          sameValues(last, refHistogram(plain, options), `histogram ${n} ${bins} (reference)`);
        },
        dispose: () => { rt.free(x); rt.free(out); },
      };
    },
  };
}

function matrixCase(kernel, rows, cols, js, check) {
  return unaryCase({
    kernel,
    size: `${rows}×${cols}`,
    n: rows * cols,
    input: (n) => fillRandom(new Float32Array(n), 9).map((v) => v * 8),
    options: { rows, cols },
    js: (x) => js(x, rows, cols),
    check: (got, want, x) => check(got, want, x, rows, cols),
  });
}

function gemmCase(m, k, n, transA, transB) {
  return {
    kernel: 'gemm',
    size: `${m}×${k}×${n}${transA ? ', transA' : ''}${transB ? ', transB' : ''}, β=1`,
    unit: 'GFLOP/s',
    setup(rt) {
      const a = fillRandom(rt.alloc(Float32Array, m * k), 1), b = fillRandom(rt.alloc(Float32Array, k * n), 2);
      const c = fillRandom(rt.alloc(Float32Array, m * n), 3), out = rt.alloc(Float32Array, m * n);
      const pa = a.slice(), pb = b.slice(), pc = c.slice();
      const o = { m, k, n, alpha: 0.5, beta: 1, transA, transB };
      let last = null;
      return {
        work: 2 * m * k * n,
        weft: async (threads) => { last = await rt.kernels.gemm(a, b, c, { ...o, out, threads }); },
        weftPlain: async (threads) => { last = await rt.kernels.gemm(pa, pb, pc, { ...o, threads }); },
        js: () => {
          // Plain JS: op(A) and op(B) indexed directly, i-k-j order.
          const r = new Float32Array(m * n);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) r[i * n + j] = pc[i * n + j];
            for (let p = 0; p < k; p++) {
              const aip = 0.5 * (transA ? pa[p * m + i] : pa[i * k + p]);
              if (transB) for (let j = 0; j < n; j++) r[i * n + j] += aip * pb[j * k + p];
              else for (let j = 0; j < n; j++) r[i * n + j] += aip * pb[p * n + j];
            }
          }
          return r;
        },
        check: () => {
          const { c: want, bound } = refGemm(pa, pb, pc, o);
          tolerance(last, want, bound, 1e-4, `gemm ${m}×${k}×${n}`);
        },
        dispose: () => { rt.free(a); rt.free(b); rt.free(c); rt.free(out); },
      };
    },
  };
}

function batchedCase(batch, m, k, n) {
  return {
    kernel: 'batchedMatmul',
    size: `${batch}×(${m}×${k}×${n})`,
    unit: 'GFLOP/s',
    setup(rt) {
      const a = fillRandom(rt.alloc(Float32Array, batch * m * k), 4), b = fillRandom(rt.alloc(Float32Array, batch * k * n), 5);
      const out = rt.alloc(Float32Array, batch * m * n);
      const pa = a.slice(), pb = b.slice();
      const o = { batch, m, k, n };
      let last = null;
      return {
        work: 2 * batch * m * k * n,
        weft: async (threads) => { last = await rt.kernels.batchedMatmul(a, b, { ...o, out, threads }); },
        weftPlain: async (threads) => { last = await rt.kernels.batchedMatmul(pa, pb, { ...o, threads }); },
        js: () => jsBatchedMatmul(pa, pb, batch, m, k, n),
        check: () => {
          const { c: want, bound } = refBatchedMatmul(pa, pb, o);
          tolerance(last, want, bound, 1e-4, `batchedMatmul ${batch}×${m}`);
        },
        dispose: () => { rt.free(a); rt.free(b); rt.free(out); },
      };
    },
  };
}

export const cases = [
  sortCase(Float32Array, 1e5),
  sortCase(Float32Array, 1e6),
  sortCase(Int32Array, 1e6),
  sortCase(Float32Array, 4e6),
  argsortCase(1e6),
  prefixSumCase(1e6, 11),
  prefixSumCase(1e7, 12),
  histogramCase(1e6, 256, [-1, 1]),
  histogramCase(1e7, 256, [-1, 1]),
  histogramCase(1e7, 1000, null),
  matrixCase('transpose', 1024, 1024, refTranspose, (got, want) => sameValues(got, want, 'transpose 1024²')),
  matrixCase('transpose', 4096, 4096, refTranspose, (got, want) => sameValues(got, want, 'transpose 4096²')),
  matrixCase('transpose', 1000, 3001, refTranspose, (got, want) => sameValues(got, want, 'transpose 1000×3001')),
  matrixCase('softmax', 1024, 1024, jsSoftmax, (got, _w, x, r, c) => checkSoftmax(got, x, r, c, 'softmax 1024²')),
  matrixCase('softmax', 16384, 64, jsSoftmax, (got, _w, x, r, c) => checkSoftmax(got, x, r, c, 'softmax 16384×64')),
  gemmCase(512, 512, 512, false, false),
  gemmCase(512, 512, 512, true, true),
  batchedCase(1000, 16, 16, 16),
  batchedCase(64, 64, 64, 64),
];
