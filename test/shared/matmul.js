// matmul against an f64 reference: |err| <= 1e-4·Σ_k|a_ik·b_kj| + tiny.
import { useRuntime, snapshot } from './harness.js';
import { randomF32 } from './reference.js';
import { checkMatmul, checkUnchanged } from './checks.js';
import { isFloat32Array, ok, fmt } from './assert.js';

export const MATMUL_SHAPES = [
  [1, 1, 1], [2, 3, 4], [4, 4, 4], [5, 7, 3], [16, 16, 16], [17, 33, 15],
  [63, 65, 31], [128, 128, 128], [257, 129, 255], [512, 512, 512],
  [1, 1000, 1], [1000, 1, 1000], [1, 4097, 3], [3, 5, 4097],
];

export function matmulSuite(env) {
  const { describe, it } = env;
  describe('matmul', () => {
    const rt = useRuntime(env);
    // matmul's options object carries the dims: { m, k, n, threads?, signal?, out? }
    const mm = (a, b, m, k, n, opts) => rt().kernels.matmul(a, b, { m, k, n, ...opts });

    for (const [m, k, n] of MATMUL_SHAPES) {
      it(`random ${m}×${k}×${n}`, async () => {
        const a = randomF32(`mm/a/${m}/${k}/${n}`, m * k);
        const b = randomF32(`mm/b/${m}/${k}/${n}`, k * n);
        const copies = snapshot([a, b]);
        const c = await mm(a, b, m, k, n);
        checkMatmul(c, a, b, m, k, n, `matmul ${m}×${k}×${n}`);
        checkUnchanged([a, b], copies, `matmul ${m}×${k}×${n}`);
      });
    }

    for (let k = 0; k <= 9; k++) {
      it(`small shapes: k=${k}, m and n in 0..9`, async () => {
        for (let m = 0; m <= 9; m++) {
          for (let n = 0; n <= 9; n++) {
            const a = randomF32(`mm/sweep/a/${m}/${k}/${n}`, m * k, -4, 4);
            const b = randomF32(`mm/sweep/b/${m}/${k}/${n}`, k * n, -4, 4);
            const c = await mm(a, b, m, k, n);
            isFloat32Array(c, m * n, `matmul ${m}×${k}×${n}`);
            checkMatmul(c, a, b, m, k, n, `matmul ${m}×${k}×${n}`);
          }
        }
      });
    }

    it('k=0 gives zeros, m=0 or n=0 gives an empty result', async () => {
      for (const [m, k, n] of [[3, 0, 4], [64, 0, 65], [0, 5, 6], [7, 5, 0], [0, 0, 0]]) {
        const c = await mm(new Float32Array(m * k), new Float32Array(k * n), m, k, n);
        isFloat32Array(c, m * n, `matmul ${m}×${k}×${n}`);
        ok(c.every((v) => v === 0), `matmul ${m}×${k}×${n}: expected all zeros, got ${fmt(c)}`);
      }
    });

    it('integer-valued inputs give exact results', async () => {
      const m = 67, k = 129, n = 71;
      const a = new Float32Array(m * k).map((_, i) => (i * 7) % 11 - 5);
      const b = new Float32Array(k * n).map((_, i) => (i * 5) % 13 - 6);
      const c = await mm(a, b, m, k, n);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
          if (c[i * n + j] !== s) ok(false, `C[${i},${j}]: expected exactly ${s}, got ${fmt(c[i * n + j])}`);
        }
      }
    });

    it('identity and permutation matrices', async () => {
      for (const n of [1, 5, 64, 67]) {
        const eye = new Float32Array(n * n);
        for (let i = 0; i < n; i++) eye[i * n + i] = 1;
        const x = randomF32(`mm/eye/${n}`, n * n);
        const left = await mm(eye, x, n, n, n), right = await mm(x, eye, n, n, n);
        for (let i = 0; i < n * n; i++) {
          if (left[i] !== x[i]) ok(false, `I·X (n=${n}) at [${i}]: expected ${fmt(x[i])}, got ${fmt(left[i])}`);
          if (right[i] !== x[i]) ok(false, `X·I (n=${n}) at [${i}]: expected ${fmt(x[i])}, got ${fmt(right[i])}`);
        }
      }
    });

    it('NaN in A poisons its row of C, NaN in B its column', async () => {
      for (const [m, k, n] of [[3, 4, 5], [33, 17, 65], [130, 70, 129]]) {
        const a = randomF32(`mm/nan/a/${m}`, m * k), b = randomF32(`mm/nan/b/${m}`, k * n);
        const ri = m - 1, cj = n >> 1;
        a[ri * k + (k >> 1)] = NaN;
        b[(k - 1) * n + cj] = NaN;
        const c = await mm(a, b, m, k, n);
        checkMatmul(c, a, b, m, k, n, `matmul ${m}×${k}×${n} with a NaN in row ${ri} of A and column ${cj} of B`);
      }
    });

    it('±Infinity propagates', async () => {
      const m = 9, k = 6, n = 10;
      const a = randomF32('mm/inf/a', m * k, 0.5, 1), b = randomF32('mm/inf/b', k * n, 0.5, 1);
      a[2 * k + 3] = Infinity; // row 2 of C: +Inf (b > 0)
      a[5 * k + 0] = -Infinity; // row 5 of C: -Inf
      a[7 * k + 1] = Infinity; a[7 * k + 2] = -Infinity; // row 7: Inf - Inf = NaN
      const c = await mm(a, b, m, k, n);
      checkMatmul(c, a, b, m, k, n, 'matmul with ±Infinity in A');
    });

    it('large-magnitude and tiny inputs', async () => {
      const m = 19, k = 37, n = 23;
      const a = randomF32('mm/mag/a', m * k).map((v) => v * 1e15), b = randomF32('mm/mag/b', k * n).map((v) => v * 1e-15);
      checkMatmul(await mm(a, b, m, k, n), a, b, m, k, n, 'matmul with |a|~1e15, |b|~1e-15');
      const a2 = randomF32('mm/mag/a2', m * k).map((v) => v * 1e18), b2 = randomF32('mm/mag/b2', k * n).map((v) => v * 1e18);
      checkMatmul(await mm(a2, b2, m, k, n), a2, b2, m, k, n, 'matmul with |a|,|b|~1e18 (products near f32 max)');
    });
  });
}
