// Same inputs → bit-identical outputs, whatever the thread count and however often.
import { randomF32 } from './reference.js';
import { KERNELS } from './checks.js';
import { sameBits } from './assert.js';

export function determinismSuite(env) {
  const { describe, it, before, after } = env;
  describe('determinism', () => {
    const rts = {};
    before(async () => {
      rts.full = await env.createRuntime();
      rts.one = await env.createRuntime({ threads: 1 });
      rts.three = await env.createRuntime({ threads: 3, isolated: true }); // a pool of its own, 3 threads
    });
    after(async () => {
      for (const r of Object.values(rts)) if (r) await r.close();
    });

    // [label, run(rt, opts)] pairs producing the result to compare.
    const variants = [
      ['full budget', () => [rts.full, undefined]],
      ['full budget, again', () => [rts.full, undefined]],
      ['per-call { threads: 1 }', () => [rts.full, { threads: 1 }]],
      ['createRuntime({ threads: 1 })', () => [rts.one, undefined]],
      ['createRuntime({ threads: 3, isolated: true })', () => [rts.three, undefined]],
      ['createRuntime({ threads: 3, isolated: true }), per-call { threads: 2 }', () => [rts.three, { threads: 2 }]],
    ];

    for (const name of Object.keys(KERNELS)) {
      const K = KERNELS[name];
      for (const n of [4097, 100003, 1 << 20]) {
        it(`${name}(n=${n}) is bit-identical across thread counts`, async () => {
          const inputs = Array.from({ length: K.inputs }, (_, j) => randomF32(`det/${name}/${n}/${j}`, n, -1, 1));
          let first;
          for (const [label, pick] of variants) {
            const [r, opts] = pick();
            const got = await K.call(r, inputs, opts, 0.3);
            if (first === undefined) first = got;
            else sameBits(got, first, `${name}(n=${n}) with ${label} vs ${variants[0][0]}`);
          }
        });
      }
    }

    for (const [m, k, n] of [[128, 128, 128], [257, 129, 255], [1000, 1, 1000], [3, 4097, 5]]) {
      it(`matmul ${m}×${k}×${n} is bit-identical across thread counts`, async () => {
        const a = randomF32(`det/mm/a/${m}/${k}/${n}`, m * k), b = randomF32(`det/mm/b/${m}/${k}/${n}`, k * n);
        let first;
        for (const [label, pick] of variants) {
          const [r, opts] = pick();
          const c = await r.kernels.matmul(a, b, { m, k, n, ...opts });
          if (first === undefined) first = c;
          else sameBits(c, first, `matmul ${m}×${k}×${n} with ${label} vs ${variants[0][0]}`);
        }
      });
    }
  });
}
