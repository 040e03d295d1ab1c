// Seeded random calls: random kernel, length, value range, plain or heap arrays, `out` or not,
// per-call thread count. Each iteration is reproducible from its seed (named in the failure).
import { useRuntime } from './harness.js';
import { rng, randomF32 } from './reference.js';
import { KERNELS, checkMatmul } from './checks.js';
import { ok } from './assert.js';

const ITERATIONS = 400;

export function fuzzSuite(env) {
  const { describe, it } = env;
  describe('fuzz', () => {
    const rt = useRuntime(env);

    for (let batch = 0; batch < 4; batch++) {
      it(`seeded random calls, batch ${batch}`, async () => {
        const budget = rt().info().threads;
        for (let iter = batch * (ITERATIONS / 4); iter < (batch + 1) * (ITERATIONS / 4); iter++) {
          const seed = `fuzz/${iter}`;
          const r = rng(seed);
          const names = Object.keys(KERNELS);
          const pick = Math.floor(r() * (names.length + 2)); // matmul twice as likely as one other kernel
          const heap = r() < 0.3;
          const threads = r() < 0.5 ? undefined : 1 + Math.floor(r() * budget);
          const scaleBy = [1, 1e-3, 1e3, 1e-20, 1e20][Math.floor(r() * 5)];
          const toHeap = (a) => { if (!heap) return a; const h = rt().alloc(Float32Array, a.length); h.set(a); return h; };
          const allocated = [];
          const track = (a) => { if (heap) allocated.push(a); return a; };
          try {
            if (pick >= names.length) {
              const [m, k, n] = [0, 0, 0].map(() => Math.floor(r() ** 2 * 130));
              const a = randomF32(r, m * k).map((v) => v * scaleBy), b = randomF32(r, k * n);
              const opts = { m, k, n, threads };
              if (heap && r() < 0.5) opts.out = track(rt().alloc(Float32Array, m * n));
              const label = `[${seed}] matmul ${m}×${k}×${n} (heap ${heap}, threads ${threads}, out ${!!opts.out})`;
              const c = await rt().kernels.matmul(track(toHeap(a)), track(toHeap(b)), opts);
              if (opts.out) ok(c === opts.out, `${label}: out not returned`);
              checkMatmul(c, a, b, m, k, n, label);
            } else {
              const name = names[pick];
              const K = KERNELS[name];
              const n = Math.floor(Math.exp(r() * Math.log(200001))) - 1;
              // only the first input is scaled: f32 products of two scaled inputs could overflow where the f64 reference does not
              const inputs = Array.from({ length: K.inputs }, (_, j) => randomF32(r, n).map((v) => (j === 0 ? v * scaleBy : v)));
              const alpha = Math.fround((r() - 0.5) * 8);
              const opts = { threads };
              if (K.kind === 'elementwise' && heap && r() < 0.5) opts.out = track(rt().alloc(Float32Array, n));
              const label = `[${seed}] ${name}(n=${n}, heap ${heap}, threads ${threads}, out ${!!opts.out}, alpha ${alpha}, scale ${scaleBy})`;
              const got = await K.call(rt(), inputs.map((a) => track(toHeap(a))), opts, alpha);
              if (opts.out) ok(got === opts.out, `${label}: out not returned`);
              K.check(got, inputs, label, alpha);
            }
          } finally {
            for (const h of allocated) rt().free(h);
          }
        }
      });
    }
  });
}
