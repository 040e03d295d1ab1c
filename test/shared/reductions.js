// sum, dot (f64 reference, relative 1e-5 of Σ|x|), min, max (exact), with NaN/Inf propagation.
import { useRuntime, snapshot } from './harness.js';
import { SIZES, randomF32 } from './reference.js';
import { KERNELS, REDUCTIONS, checkUnchanged } from './checks.js';
import { equal, numEqual, ok, fmt } from './assert.js';

export function reductionsSuite(env) {
  const { describe, it } = env;
  describe('reductions', () => {
    const rt = useRuntime(env);

    for (const name of REDUCTIONS) {
      const K = KERNELS[name];
      const call = (inputs, opts) => K.call(rt(), inputs, opts);
      const make = (tag, n, lo = -2, hi = 2) => Array.from({ length: K.inputs }, (_, j) => randomF32(`${name}/${tag}/${n}/${j}`, n, lo, hi));

      describe(name, () => {
        for (const n of SIZES) {
          it(`random n=${n}`, async () => {
            const inputs = make('random', n);
            const copies = snapshot(inputs);
            const got = await call(inputs);
            equal(typeof got, 'number', `typeof ${name}(n=${n})`);
            K.check(got, inputs, `${name}(n=${n})`);
            checkUnchanged(inputs, copies, `${name}(n=${n})`);
          });
        }

        it('empty input', async () => {
          const want = { sum: 0, dot: 0, min: Infinity, max: -Infinity }[name];
          const got = await call(make('empty', 0));
          numEqual(got, want, `${name}(empty)`);
        });

        it('same-sign inputs at large sizes (accumulation accuracy)', async () => {
          for (const n of [65537, 100003, 1 << 20]) {
            const inputs = make('positive', n, 0, 1);
            K.check(await call(inputs), inputs, `${name}(n=${n}, values in [0,1))`);
          }
        });

        if (name === 'sum') {
          it('exact integer sums (ones, small integers)', async () => {
            for (const n of [1, 7, 4097, 65537, 100003]) {
              numEqual(await call([new Float32Array(n).fill(1)]), n, `sum(ones(${n}))`);
            }
            const x = new Float32Array(4099);
            let s = 0;
            for (let i = 0; i < x.length; i++) { x[i] = (i % 17) - 8; s += x[i]; }
            numEqual(await call([x]), s, 'sum(small integers)');
          });
        }

        it('a NaN anywhere gives NaN', async () => {
          for (const n of [1, 2, 5, 17, 4097, 100003]) {
            const positions = [...new Set([0, 1, 3, 4, 5, Math.floor(n / 2), 4095, 4096, 65536, n - 2, n - 1])].filter((p) => p >= 0 && p < n);
            for (const p of positions) {
              for (let j = 0; j < K.inputs; j++) {
                const inputs = make('nan', n);
                inputs[j][p] = NaN;
                const got = await call(inputs);
                ok(Number.isNaN(got), `${name}(n=${n}) with NaN in input ${j} at [${p}]: expected NaN, got ${fmt(got)}`);
              }
            }
          }
        });

        it('±Infinity and ±0', async () => {
          const cases = {
            sum: [
              [[[Infinity, 1, 2]], Infinity], [[[1, -Infinity, 2, 3, 4]], -Infinity],
              [[[Infinity, 1, -Infinity]], NaN], [[[-0, -0, -0]], 0], [[[0, -0]], 0],
            ],
            dot: [
              [[[Infinity, 1], [2, 3]], Infinity], [[[Infinity, 1], [-2, 3]], -Infinity],
              [[[Infinity, 1], [0, 3]], NaN], [[[-0, 0], [1, 1]], 0],
            ],
            min: [
              [[[3, -Infinity, 2]], -Infinity], [[[Infinity, Infinity]], Infinity], [[[Infinity]], Infinity],
              [[[0, -0, 1]], 0], [[[-0]], 0], [[[-3.4028234663852886e38, 1]], -3.4028234663852886e38],
            ],
            max: [
              [[[3, Infinity, 2]], Infinity], [[[-Infinity, -Infinity]], -Infinity], [[[-Infinity]], -Infinity],
              [[[0, -0, -1]], 0], [[[-0]], 0], [[[3.4028234663852886e38, 1]], 3.4028234663852886e38],
            ],
          }[name];
          for (const [args, want] of cases) {
            const inputs = args.map((a) => Float32Array.from(a));
            // Also placed at the end of a long array (SIMD tail / last chunk) and at its start.
            numEqual(await call(inputs), want, `${name}(${args.map((a) => `[${a.map(fmt)}]`).join(', ')})`);
            for (const pad of [5, 4099, 70001]) {
              const padVal = { sum: 0, dot: 0, min: Infinity, max: -Infinity }[name];
              const fillFor = (j) => (name === 'dot' && j === 1 ? 1 : padVal === Infinity || padVal === -Infinity ? padVal : 0);
              const tail = inputs.map((a, j) => { const t = new Float32Array(pad + a.length).fill(fillFor(j)); t.set(a, pad); return t; });
              numEqual(await call(tail), want, `${name}(${args.map((a) => `[${a.map(fmt)}]`).join(', ')} after ${pad} neutral elements)`);
              const head = inputs.map((a, j) => { const t = new Float32Array(pad + a.length).fill(fillFor(j)); t.set(a, 0); return t; });
              numEqual(await call(head), want, `${name}(${args.map((a) => `[${a.map(fmt)}]`).join(', ')} before ${pad} neutral elements)`);
            }
          }
        });

        if (name === 'min' || name === 'max') {
          it('the extreme value at every kind of position', async () => {
            for (const n of [2, 5, 17, 33, 4097, 65537, 100003]) {
              for (const p of [0, 1, 3, n >> 1, 4096, 65536, n - 1].filter((q) => q < n)) {
                const x = randomF32(`${name}/pos/${n}/${p}`, n, -1, 1);
                x[p] = name === 'min' ? -5 : 5;
                numEqual(await call([x]), x[p], `${name}(n=${n}, extreme at [${p}])`);
              }
            }
          });
        }
      });
    }
  });
}
