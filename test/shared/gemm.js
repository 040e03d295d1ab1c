// gemm (BLAS-shaped: alpha, beta, transposes, C read only when beta ≠ 0) and batchedMatmul
// against f64 references: |err| ≤ 1e-4·(|alpha|·Σ|a·b| + |beta·c|) + tiny, non-finite exact.
import { useRuntime } from './harness.js';
import { randomF32 } from './reference.js';
import { refGemm, refBatchedMatmul } from './data-reference.js';
import { ok, fail, fmt, rejects } from './assert.js';
import { sameBits32 } from './data.js';

function checkAgainst(got, { c, bound }, label) {
  if (!(got instanceof Float32Array) || got.length !== c.length) fail(`${label}: expected a Float32Array(${c.length}), got ${fmt(got)}`);
  for (let i = 0; i < c.length; i++) {
    const w = c[i], g = got[i];
    if (!Number.isFinite(w) || !Number.isFinite(Math.fround(w))) {
      const w32 = Math.fround(w);
      if (Number.isNaN(w32) ? Number.isNaN(g) : g === w32) continue;
    } else if (Math.abs(g - w) <= 1e-4 * bound[i] + 1e-30) continue;
    fail(`${label}: [${i}] expected ${fmt(w)} ± ${(1e-4 * bound[i]).toExponential(2)}, got ${fmt(g)}`);
  }
}

const SHAPES = [
  [1, 1, 1], [2, 3, 4], [5, 7, 3], [17, 33, 15], [63, 65, 31], [128, 128, 128], [257, 129, 255],
  [1, 1000, 1], [1000, 1, 3], [3, 5, 4097], [0, 5, 6], [7, 5, 0], [3, 0, 4], [0, 0, 0],
];
const TRANSPOSES = [[false, false], [true, false], [false, true], [true, true]];
const SCALARS = [[1, 0], [2, 0.5], [-0.5, 1], [0.75, -2]];

export function gemmSuite(env) {
  const { describe, it, WeftError } = env;
  describe('gemm and batchedMatmul', () => {
    const rt = useRuntime(env);
    const K = () => rt().kernels;

    for (const [transA, transB] of TRANSPOSES) {
      it(`gemm transA=${transA} transB=${transB}: every shape, alpha and beta`, async () => {
        for (const [m, k, n] of SHAPES) {
          for (const [alpha, beta] of SCALARS) {
            const tag = `${m}/${k}/${n}/${transA}/${transB}/${alpha}/${beta}`;
            const a = randomF32(`gemm/a/${tag}`, m * k), b = randomF32(`gemm/b/${tag}`, k * n);
            // beta = 0: C is not read, so NaN garbage in it must not leak.
            const c = beta === 0 ? new Float32Array(m * n).fill(NaN) : randomF32(`gemm/c/${tag}`, m * n);
            const copies = [a.slice(), b.slice(), c.slice()];
            const o = { m, k, n, alpha, beta, transA, transB };
            const label = `gemm ${m}×${k}×${n} transA=${transA} transB=${transB} alpha=${alpha} beta=${beta}`;
            checkAgainst(await K().gemm(a, b, c, o), refGemm(a, b, c, o), label);
            if (beta === 0) checkAgainst(await K().gemm(a, b, null, o), refGemm(a, b, null, o), `${label}, c = null`);
            [a, b, c].forEach((arr, i) => sameBits32(arr, copies[i], `${label}: input ${'abc'[i]} unchanged`));
          }
        }
      });
    }

    it('defaults: alpha 1, beta 0, no transposes — the same bits as matmul', async () => {
      const [m, k, n] = [67, 129, 71];
      const a = randomF32('gemm/def/a', m * k), b = randomF32('gemm/def/b', k * n);
      sameBits32(await K().gemm(a, b, null, { m, k, n }), await K().matmul(a, b, { m, k, n }), 'gemm vs matmul');
    });

    it('alpha = 0 or k = 0 give beta·C without reading A and B (NaN there does not leak)', async () => {
      const [m, n] = [9, 70];
      const c = randomF32('gemm/q/c', m * n);
      for (const [k, alpha] of [[0, 1], [5, 0]]) {
        const a = new Float32Array(m * k).fill(NaN), b = new Float32Array(k * n).fill(NaN);
        for (const beta of [0, 2, -0.5]) {
          const got = await K().gemm(a, b, c, { m, k, n, alpha, beta });
          for (let i = 0; i < m * n; i++) {
            const want = beta === 0 ? 0 : Math.fround(Math.fround(beta) * c[i]);
            if (got[i] !== want) fail(`k=${k} alpha=${alpha} beta=${beta}: [${i}] expected ${fmt(want)}, got ${fmt(got[i])}`);
          }
        }
      }
    });

    it('out: c updates C in place (heap and plain), out elsewhere leaves c alone', async () => {
      const [m, k, n] = [70, 40, 90];
      const a = randomF32('gemm/io/a', m * k), b = randomF32('gemm/io/b', k * n), c0 = randomF32('gemm/io/c', m * n);
      const o = { m, k, n, alpha: 1.5, beta: -1, transB: true };
      const want = refGemm(a, b, c0, o);
      const h = rt().alloc(Float32Array, m * n);
      h.set(c0);
      ok((await K().gemm(a, b, h, { ...o, out: h })) === h, 'gemm(…, h, { out: h }): expected h back');
      checkAgainst(h, want, 'gemm in place (heap C)');
      rt().free(h);
      const p = c0.slice();
      ok((await K().gemm(a, b, p, { ...o, out: p })) === p, 'gemm(…, p, { out: p }): expected p back');
      checkAgainst(p, want, 'gemm in place (plain C)');
      const c = c0.slice(), out = new Float32Array(m * n).fill(NaN);
      ok((await K().gemm(a, b, c, { ...o, out })) === out, 'expected out back');
      checkAgainst(out, want, 'gemm into out');
      sameBits32(c, c0, 'c unchanged when out is elsewhere');
      // Heap C read into a separate heap out.
      const hc = rt().alloc(Float32Array, m * n), ho = rt().alloc(Float32Array, m * n);
      hc.set(c0);
      await K().gemm(a, b, hc, { ...o, out: ho });
      checkAgainst(ho, want, 'gemm heap C into heap out');
      sameBits32(hc, c0, 'heap c unchanged');
      rt().free(hc);
      rt().free(ho);
    });

    it('gemm is bit-identical with threads: 1 and the whole budget', async () => {
      const [m, k, n] = [300, 257, 310];
      const a = randomF32('gemm/det/a', m * k), b = randomF32('gemm/det/b', k * n), c = randomF32('gemm/det/c', m * n);
      for (const [transA, transB] of TRANSPOSES) {
        const o = { m, k, n, alpha: 0.7, beta: 0.3, transA, transB };
        sameBits32(await K().gemm(a, b, c, o), await K().gemm(a, b, c, { ...o, threads: 1 }), `gemm transA=${transA} transB=${transB}`);
      }
    });

    it('batchedMatmul: batch 0, 1 and several, small and multi-tile products, against the reference', async () => {
      const cases = [[0, 3, 4, 5], [1, 3, 4, 5], [5, 1, 1, 1], [7, 13, 9, 11], [3, 0, 4, 5], [4, 5, 0, 3], [2, 5, 3, 0], [300, 8, 8, 8], [1000, 2, 3, 2], [3, 130, 70, 200], [2, 300, 257, 129]];
      for (const [batch, m, k, n] of cases) {
        const a = randomF32(`bmm/a/${batch}/${m}/${k}/${n}`, batch * m * k), b = randomF32(`bmm/b/${batch}/${m}/${k}/${n}`, batch * k * n);
        const got = await K().batchedMatmul(a, b, { batch, m, k, n });
        checkAgainst(got, refBatchedMatmul(a, b, { batch, m, k, n }), `batchedMatmul ${batch}×(${m}×${k}×${n})`);
      }
    });

    it('batchedMatmul gives each product the same bits as matmul, for any thread count', async () => {
      for (const [batch, m, k, n] of [[40, 16, 16, 16], [3, 200, 150, 170]]) {
        const a = randomF32(`bmm/same/a/${m}`, batch * m * k), b = randomF32(`bmm/same/b/${m}`, batch * k * n);
        const all = await K().batchedMatmul(a, b, { batch, m, k, n });
        sameBits32(await K().batchedMatmul(a, b, { batch, m, k, n, threads: 1 }), all, `batchedMatmul ${batch}×${m}: threads 1 vs budget`);
        for (const i of [0, batch >> 1, batch - 1]) {
          const one = await K().matmul(a.subarray(i * m * k, (i + 1) * m * k), b.subarray(i * k * n, (i + 1) * k * n), { m, k, n });
          sameBits32(all.subarray(i * m * n, (i + 1) * m * n), one, `batchedMatmul product ${i} vs matmul`);
        }
      }
    });

    describe('bad input', () => {
      const a = new Float32Array(6), b = new Float32Array(12), c = new Float32Array(8); // 2×3 · 3×4
      const dims = { m: 2, k: 3, n: 4 };
      const cases = [
        ['gemm a of the wrong length', () => K().gemm(new Float32Array(5), b, c, dims), 'a'],
        ['gemm b a plain Array', () => K().gemm(a, [...b], c, dims), 'b'],
        ['gemm c of the wrong length', () => K().gemm(a, b, new Float32Array(7), dims), 'c'],
        ['gemm c a Float64Array', () => K().gemm(a, b, new Float64Array(8), dims), 'c'],
        ['gemm beta ≠ 0 without c', () => K().gemm(a, b, null, { ...dims, beta: 1 }), 'c'],
        ['gemm alpha a string', () => K().gemm(a, b, c, { ...dims, alpha: '2' }), 'options.alpha'],
        ['gemm beta a bigint', () => K().gemm(a, b, c, { ...dims, beta: 1n }), 'options.beta'],
        ['gemm transA = 1', () => K().gemm(a, b, c, { ...dims, transA: 1 }), 'options.transA'],
        ['gemm transB = "yes"', () => K().gemm(a, b, c, { ...dims, transB: 'yes' }), 'options.transB'],
        ['gemm m missing', () => K().gemm(a, b, c, { k: 3, n: 4 }), 'options.m'],
        ['gemm without options', () => K().gemm(a, b, c), 'options'],
        ['gemm out overlapping a', () => K().gemm(a, a.subarray(0, 3), null, { m: 2, k: 3, n: 1, out: a.subarray(4, 6) }), 'options.out'],
        ['gemm out of the wrong length', () => K().gemm(a, b, c, { ...dims, out: new Float32Array(9) }), 'options.out'],
        ['batchedMatmul batch missing', () => K().batchedMatmul(a, b, dims), 'options.batch'],
        ['batchedMatmul batch -1', () => K().batchedMatmul(a, b, { ...dims, batch: -1 }), 'options.batch'],
        ['batchedMatmul a of the wrong length', () => K().batchedMatmul(a, b, { ...dims, batch: 2 }), 'a'],
        ['batchedMatmul b of the wrong length', () => K().batchedMatmul(new Float32Array(12), b, { ...dims, batch: 2 }), 'b'],
        ['batchedMatmul out overlapping b', () => K().batchedMatmul(a, b, { ...dims, batch: 1, out: b.subarray(0, 8) }), 'options.out'],
      ];
      for (const [label, call, argument] of cases) {
        it(`${label} rejects with INVALID_ARGUMENT naming '${argument}'`, async () => {
          await rejects(call, { code: 'INVALID_ARGUMENT', argument, WeftError }, label);
        });
      }
    });
  });
}
