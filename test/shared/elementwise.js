// add, mul, axpy, scale against exact f32 references.
import { useRuntime, snapshot } from './harness.js';
import { SIZES, randomF32, specialF32, SPECIALS } from './reference.js';
import { KERNELS, ELEMENTWISE, checkUnchanged } from './checks.js';
import { isFloat32Array, ok } from './assert.js';

const ALPHAS = [2.5, -0.1, 0, -0, 1, -1, 3.4028234663852886e38, 1e-30, NaN, Infinity, -Infinity];

export function elementwiseSuite(env) {
  const { describe, it } = env;
  describe('elementwise kernels', () => {
    const rt = useRuntime(env);

    for (const name of ELEMENTWISE) {
      const K = KERNELS[name];
      describe(name, () => {
        for (const n of SIZES) {
          it(`random n=${n}`, async () => {
            const inputs = Array.from({ length: K.inputs }, (_, j) => randomF32(`${name}/${n}/${j}`, n, -2, 2));
            const copies = snapshot(inputs);
            const alpha = K.alpha ? Math.fround(-1.75 + (n % 7) * 0.625) : undefined;
            const got = await K.call(rt(), inputs, undefined, alpha);
            K.check(got, inputs, `${name}(n=${n})`, alpha);
            checkUnchanged(inputs, copies, `${name}(n=${n})`);
            ok(!inputs.includes(got), `${name}(n=${n}): returned one of its inputs instead of a new array`);
          });
        }

        it('NaN, ±Infinity, ±0, subnormal and overflowing inputs', async () => {
          for (const n of [SPECIALS.length, 37, 4097]) {
            const inputs = Array.from({ length: K.inputs }, (_, j) => specialF32(`${name}/special/${n}/${j}`, n));
            const alpha = K.alpha ? 1.5 : undefined;
            const got = await K.call(rt(), inputs, undefined, alpha);
            K.check(got, inputs, `${name}(specials, n=${n})`, alpha);
          }
          // Every special against every special, elementwise.
          const S = SPECIALS.length;
          const x = new Float32Array(S * S), y = new Float32Array(S * S);
          for (let i = 0; i < S; i++) for (let j = 0; j < S; j++) { x[i * S + j] = SPECIALS[i]; y[i * S + j] = SPECIALS[j]; }
          const inputs = K.inputs === 2 ? [x, y] : [x];
          for (const alpha of K.alpha ? [-2, 0.5] : [undefined]) {
            const got = await K.call(rt(), inputs, undefined, alpha);
            K.check(got, inputs, `${name}(specials × specials${K.alpha ? `, alpha=${alpha}` : ''})`, alpha);
          }
        });

        if (K.alpha) {
          it('special alpha values (0, -0, huge, tiny, NaN, ±Infinity, not f32-representable)', async () => {
            const inputs = Array.from({ length: K.inputs }, (_, j) => specialF32(`${name}/alpha/${j}`, 1031));
            for (const alpha of ALPHAS) {
              const got = await K.call(rt(), inputs, undefined, alpha);
              K.check(got, inputs, `${name}(alpha=${alpha})`, alpha);
            }
          });
        }

        it('a fresh array is returned on every call', async () => {
          const inputs = Array.from({ length: K.inputs }, (_, j) => randomF32(`${name}/fresh/${j}`, 100, -2, 2));
          const r1 = await K.call(rt(), inputs, undefined, 2);
          const r2 = await K.call(rt(), inputs, undefined, 2);
          isFloat32Array(r1, 100);
          ok(r1 !== r2 && (r1.buffer !== r2.buffer || r1.byteOffset !== r2.byteOffset), `${name}: two calls returned the same storage`);
          r1.fill(7);
          K.check(r2, inputs, `${name}: second result after overwriting the first`, 2);
        });
      });
    }
  });
}
