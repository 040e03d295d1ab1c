// Bad input: the returned promise rejects with a WeftError naming the offending argument,
// and the runtime keeps working afterwards.
import { useRuntime } from './harness.js';
import { randomF32, refAdd } from './reference.js';
import { rejects, checkWeftError, ok } from './assert.js';
import { checkExact } from './checks.js';

const f = (n) => randomF32(`err/${n}`, n);

/**
 * [label, call(rt), argument] — each must reject with INVALID_ARGUMENT and that argument (or one
 * of those listed). matmul's dims travel in its options object ({ m, k, n, threads, signal, out }),
 * so a bad dim may be named 'm' or 'options.m'.
 */
function badCalls() {
  const x = f(8), y = f(8), short = f(7), a = f(6), b = f(12); // a: 2×3, b: 3×4
  const plain = [1, 2, 3, 4, 5, 6, 7, 8], f64 = new Float64Array(8), i32 = new Int32Array(8);
  const K = (rt) => rt.kernels;
  return [
    ['add(plain Array, y)', (rt) => K(rt).add(plain, y), 'x'],
    ['add(x, Float64Array)', (rt) => K(rt).add(x, f64), 'y'],
    ['add(x, shorter y)', (rt) => K(rt).add(x, short), 'y'],
    ['add(x) without y', (rt) => K(rt).add(x), 'y'],
    ['add(null, y)', (rt) => K(rt).add(null, y), 'x'],
    ['mul(Int32Array, y)', (rt) => K(rt).mul(i32, y), 'x'],
    ['mul(x, longer y)', (rt) => K(rt).mul(short, x), 'y'],
    ['axpy("2", x, y)', (rt) => K(rt).axpy('2', x, y), 'alpha'],
    ['axpy(undefined, x, y)', (rt) => K(rt).axpy(undefined, x, y), 'alpha'],
    ['axpy(2n, x, y)', (rt) => K(rt).axpy(2n, x, y), 'alpha'],
    ['axpy(2, plain Array, y)', (rt) => K(rt).axpy(2, plain, y), 'x'],
    ['axpy(2, x, Float64Array)', (rt) => K(rt).axpy(2, x, f64), 'y'],
    ['axpy(2, x, shorter y)', (rt) => K(rt).axpy(2, x, short), 'y'],
    ['scale("2", x)', (rt) => K(rt).scale('2', x), 'alpha'],
    ['scale({}, x)', (rt) => K(rt).scale({}, x), 'alpha'],
    ['scale(2, plain Array)', (rt) => K(rt).scale(2, plain), 'x'],
    ['scale(2, Float64Array)', (rt) => K(rt).scale(2, f64), 'x'],
    ['sum(plain Array)', (rt) => K(rt).sum(plain), 'x'],
    ['sum(Float64Array)', (rt) => K(rt).sum(f64), 'x'],
    ['sum(undefined)', (rt) => K(rt).sum(undefined), 'x'],
    ['min(plain Array)', (rt) => K(rt).min(plain), 'x'],
    ['max(Float64Array)', (rt) => K(rt).max(f64), 'x'],
    ['dot(x, shorter y)', (rt) => K(rt).dot(x, short), 'y'],
    ['dot(plain Array, y)', (rt) => K(rt).dot(plain, y), 'x'],
    ['dot(x, Float64Array)', (rt) => K(rt).dot(x, f64), 'y'],
    ['matmul: a.length != m*k', (rt) => K(rt).matmul(f(5), b, { m: 2, k: 3, n: 4 }), 'a'],
    ['matmul: b.length != k*n', (rt) => K(rt).matmul(a, f(11), { m: 2, k: 3, n: 4 }), 'b'],
    ['matmul: dims swapped (a 2×3 given as 3×2)', (rt) => K(rt).matmul(a, b, { m: 3, k: 2, n: 4 }), 'b'],
    ['matmul: a plain Array', (rt) => K(rt).matmul([...a], b, { m: 2, k: 3, n: 4 }), 'a'],
    ['matmul: b Float64Array', (rt) => K(rt).matmul(a, new Float64Array(12), { m: 2, k: 3, n: 4 }), 'b'],
    ['matmul: m = 1.5', (rt) => K(rt).matmul(f(3), f(4), { m: 1.5, k: 2, n: 2 }), ['m', 'options.m']],
    ['matmul: m = "2"', (rt) => K(rt).matmul(a, b, { m: '2', k: 3, n: 4 }), ['m', 'options.m']],
    ['matmul: k = -1', (rt) => K(rt).matmul(f(0), f(0), { m: 2, k: -1, n: 4 }), ['k', 'options.k']],
    ['matmul: k = NaN', (rt) => K(rt).matmul(f(0), f(0), { m: 2, k: NaN, n: 4 }), ['k', 'options.k']],
    ['matmul: n = -4', (rt) => K(rt).matmul(f(0), f(0), { m: 0, k: 3, n: -4 }), ['n', 'options.n']],
    ['matmul: n = Infinity', (rt) => K(rt).matmul(a, b, { m: 2, k: 3, n: Infinity }), ['n', 'options.n']],
    ['matmul: n missing', (rt) => K(rt).matmul(a, b, { m: 2, k: 3 }), ['n', 'options.n']],
    ['options.threads = 0', (rt) => K(rt).add(x, y, { threads: 0 }), 'options.threads'],
    ['options.threads = -1', (rt) => K(rt).sum(x, { threads: -1 }), 'options.threads'],
    ['options.threads = 1.5', (rt) => K(rt).dot(x, y, { threads: 1.5 }), 'options.threads'],
    ['options.threads = "2"', (rt) => K(rt).scale(2, x, { threads: '2' }), 'options.threads'],
    ['options.threads = NaN', (rt) => K(rt).matmul(a, b, { m: 2, k: 3, n: 4, threads: NaN }), 'options.threads'],
    ['options.out of the wrong length', (rt) => K(rt).add(x, y, { out: rt.alloc(Float32Array, 7) }), 'options.out'],
    ['options.out a Float64Array', (rt) => K(rt).mul(x, y, { out: new Float64Array(8) }), 'options.out'],
    ['matmul options.out of the wrong length', (rt) => K(rt).matmul(a, b, { m: 2, k: 3, n: 4, out: rt.alloc(Float32Array, 9) }), 'options.out'],
  ];
}

export function errorsSuite(env) {
  const { describe, it, WeftError } = env;
  describe('bad input', () => {
    const rt = useRuntime(env);
    const goodCall = async (label) => {
      const x = f(37), y = f(37);
      checkExact(await rt().kernels.add(x, y), refAdd(x, y), `a good add() right after ${label}`);
    };

    for (const [label, call, argument] of badCalls()) {
      it(`${label} rejects (INVALID_ARGUMENT, argument '${argument}'), then the runtime still works`, async () => {
        await rejects(() => call(rt()), { code: 'INVALID_ARGUMENT', argument, WeftError }, label);
        await goodCall(label);
      });
    }

    it('matmul without dims rejects with INVALID_ARGUMENT', async () => {
      await rejects(() => rt().kernels.matmul(f(4), f(4)), { code: 'INVALID_ARGUMENT', WeftError }, 'matmul(a, b)');
      await goodCall('matmul(a, b)');
    });

    it('NaN alpha is a number, so it is accepted', async () => {
      const x = f(9), y = f(9);
      const r1 = await rt().kernels.axpy(NaN, x, y);
      ok(r1.every(Number.isNaN), 'axpy(NaN, x, y) should be all NaN');
      const r2 = await rt().kernels.scale(NaN, x);
      ok(r2.every(Number.isNaN), 'scale(NaN, x) should be all NaN');
    });

    it('an already-aborted signal rejects with ABORTED, then the runtime still works', async () => {
      const ac = new AbortController();
      ac.abort();
      const x = f(1000), y = f(1000);
      await rejects(() => rt().kernels.add(x, y, { signal: ac.signal }), { code: 'ABORTED', WeftError }, 'add with an aborted signal');
      await rejects(() => rt().kernels.sum(x, { signal: ac.signal }), { code: 'ABORTED', WeftError }, 'sum with an aborted signal');
      await rejects(() => rt().kernels.matmul(f(6), f(12), { m: 2, k: 3, n: 4, signal: ac.signal }), { code: 'ABORTED', WeftError }, 'matmul with an aborted signal');
      await goodCall('aborted calls');
    });

    it('aborting during a long matmul rejects with ABORTED or finishes correctly; the runtime still works', async () => {
      const n = 384;
      const a = f(n * n), b = f(n * n);
      const ac = new AbortController();
      const p = rt().kernels.matmul(a, b, { m: n, k: n, n, signal: ac.signal });
      setTimeout(() => ac.abort(), 1);
      try {
        const c = await p;
        ok(c instanceof Float32Array && c.length === n * n, 'matmul finished but returned no proper result');
      } catch (e) {
        checkWeftError(e, { code: 'ABORTED', WeftError }, 'aborted matmul');
      }
      await goodCall('an aborted matmul');
    });

    it('createRuntime rejects bad thread counts with INVALID_ARGUMENT, argument "threads"', async () => {
      for (const threads of [0, -1, 1.5, NaN, Infinity, '2']) {
        await rejects(() => env.createRuntime({ threads }), { code: 'INVALID_ARGUMENT', argument: 'threads', WeftError }, `createRuntime({ threads: ${typeof threads === 'string' ? `"${threads}"` : threads} })`);
      }
    });

    it('a WeftError is an Error with name, code, argument and message', async () => {
      const e = await rejects(() => rt().kernels.sum([1, 2]), { code: 'INVALID_ARGUMENT', argument: 'x', WeftError }, 'sum([1, 2])');
      ok(e instanceof Error, 'not an Error');
      ok(typeof e.name === 'string' && e.name.includes('WeftError') || e instanceof WeftError, `name: ${e.name}`);
      ok(typeof e.message === 'string' && e.message.length > 0, 'empty message');
      ok(typeof WeftError === 'function', 'WeftError is exported');
    });
  });
}
