// createRuntime / info() / mode / thread budget / concurrency / close().
import { useRuntime } from './harness.js';
import { randomF32, refAdd, refSum, refMul } from './reference.js';
import { KERNELS, checkExact, checkReduction, checkMatmul } from './checks.js';
import { equal, ok, fmt, rejects, throwsOrRejects } from './assert.js';

// wasm-feature-detect's relaxed-SIMD probe (i8x16.relaxed_swizzle).
const RELAXED_SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11]);

export function runtimeSuite(env) {
  const { describe, it, WeftError } = env;
  describe('runtime', () => {
    const rt = useRuntime(env);

    it(`mode is '${env.expectedMode}'`, async () => {
      equal(rt().info().mode, env.expectedMode, 'info().mode');
    });

    if (env.platform === 'browser') {
      it('the page isolation is what the server was told to serve', async () => {
        equal(globalThis.crossOriginIsolated, env.servedIsolated, 'crossOriginIsolated');
        equal(rt().info().crossOriginIsolated, globalThis.crossOriginIsolated, 'info().crossOriginIsolated');
      });
    }

    // The budget: the default is the machine's parallelism in mode 'shared'; mode 'fallback'
    // runs one worker, so its budget is 1.
    const budgetFor = (requested) => (env.expectedMode === 'fallback' ? 1 : requested);

    it('info() reports a sane state', async () => {
      const info = rt().info();
      equal(info.threads, budgetFor(env.defaultThreads), `info().threads (default budget, mode '${env.expectedMode}')`);
      ok(['shared', 'fallback'].includes(info.mode), `info().mode: ${fmt(info.mode)}`);
      equal(typeof info.crossOriginIsolated, 'boolean', 'typeof info().crossOriginIsolated');
      ok(['relaxed', 'simd128'].includes(info.simd), `info().simd: ${fmt(info.simd)}`);
      const relaxed = WebAssembly.validate(RELAXED_SIMD_PROBE);
      equal(info.simd, relaxed ? 'relaxed' : 'simd128', `info().simd (relaxed SIMD ${relaxed ? '' : 'not '}supported here)`);
      ok(Number.isInteger(info.memoryBytes) && info.memoryBytes >= 0 && info.memoryBytes % 65536 === 0,
        `info().memoryBytes: expected a non-negative multiple of 64 KiB, got ${fmt(info.memoryBytes)}`);
      if (info.mode === 'shared') ok(info.memoryBytes > 0, `info().memoryBytes in mode 'shared': expected > 0, got ${fmt(info.memoryBytes)}`);
      ok(['dynamic', 'static'].includes(info.composition), `info().composition: ${fmt(info.composition)}`);
      for (const key of ['busy', 'idle', 'queued', 'leased']) {
        ok(Number.isInteger(info[key]) && info[key] >= 0, `info().${key}: expected a non-negative integer, got ${fmt(info[key])}`);
      }
    });

    it('nothing stays queued or leased after calls settle', async () => {
      const x = randomF32('settle', 70001);
      await Promise.all([rt().kernels.sum(x), rt().kernels.scale(2, x), rt().kernels.max(x)]);
      const info = rt().info();
      equal(info.queued, 0, 'info().queued after settling');
      equal(info.leased, 0, 'info().leased after settling');
    });

    const exercise = async (r, label) => {
      const x = randomF32(`budget/${label}`, 100003), y = randomF32(`budget/y/${label}`, 100003);
      checkExact(await r.kernels.add(x, y), refAdd(x, y), `add with ${label}`);
      checkReduction(await r.kernels.sum(x), refSum(x), `sum with ${label}`);
      const a = randomF32(`budget/a/${label}`, 70 * 90), b = randomF32(`budget/b/${label}`, 90 * 50);
      checkMatmul(await r.kernels.matmul(a, b, { m: 70, k: 90, n: 50 }), a, b, 70, 90, 50, `matmul with ${label}`);
    };

    it('createRuntime({ threads, isolated: true }) gets a pool of its own with that budget', async () => {
      for (const threads of [1, 2, 3]) {
        const label = `createRuntime({ threads: ${threads}, isolated: true })`;
        const r = await env.createRuntime({ threads, isolated: true });
        try {
          equal(r.info().threads, budgetFor(threads), `${label}.info().threads`);
          equal(r.info().mode, env.expectedMode, `${label}.info().mode`);
          await exercise(r, label);
        } finally {
          await r.close();
        }
      }
    });

    it('createRuntime({ threads }) next to a running runtime: a view capped at that many threads', async () => {
      const budget = rt().info().threads;
      for (const threads of [1, 2, 3]) {
        const label = `createRuntime({ threads: ${threads} })`;
        const r = await env.createRuntime({ threads });
        try {
          const info = r.info();
          const cap = Math.min(info.threads, info.limit ?? Infinity);
          equal(cap, Math.min(budgetFor(threads), budget), `${label}: min(info().threads, info().limit)`);
          equal(info.mode, env.expectedMode, `${label}.info().mode`);
          await exercise(r, label);
        } finally {
          await r.close();
        }
      }
      await exercise(rt(), 'the first runtime after the views closed');
    });

    it('per-call { threads } within the budget', async () => {
      const x = randomF32('percall/x', 100003), y = randomF32('percall/y', 100003);
      for (const threads of [1, 2]) {
        checkExact(await rt().kernels.mul(x, y, { threads }), refMul(x, y), `mul(…, { threads: ${threads} })`);
        checkReduction(await rt().kernels.sum(x, { threads }), refSum(x), `sum(…, { threads: ${threads} })`);
      }
    });

    it('many concurrent calls of every kernel all come back right', async () => {
      const jobs = [];
      for (let i = 0; i < 40; i++) {
        const name = Object.keys(KERNELS)[i % 8];
        const K = KERNELS[name];
        const n = [1, 17, 4097, 65537, 100003][i % 5];
        const inputs = Array.from({ length: K.inputs }, (_, j) => randomF32(`conc/${i}/${j}`, n));
        jobs.push(K.call(rt(), inputs, undefined, 0.5).then((got) => () => K.check(got, inputs, `concurrent call #${i}: ${name}(n=${n})`, 0.5)));
      }
      for (let i = 0; i < 6; i++) {
        const [m, k, n] = [[33, 17, 9], [64, 64, 64], [5, 300, 7]][i % 3];
        const a = randomF32(`conc/mm/a/${i}`, m * k), b = randomF32(`conc/mm/b/${i}`, k * n);
        jobs.push(rt().kernels.matmul(a, b, { m, k, n }).then((c) => () => checkMatmul(c, a, b, m, k, n, `concurrent matmul #${i} ${m}×${k}×${n}`)));
      }
      for (const check of await Promise.all(jobs)) check();
    });

    it('two runtimes at once work independently', async () => {
      const other = await env.createRuntime({ threads: 1 });
      try {
        const x = randomF32('two/x', 50001), y = randomF32('two/y', 50001);
        const [r1, r2] = await Promise.all([rt().kernels.add(x, y), other.kernels.add(x, y)]);
        checkExact(r1, refAdd(x, y), 'add on the first runtime');
        checkExact(r2, refAdd(x, y), 'add on the second runtime');
      } finally {
        await other.close();
      }
      const x = randomF32('two/after', 1000);
      checkReduction(await rt().kernels.sum(x), refSum(x), 'sum on the first runtime after the second closed');
    });

    it('after close() every call rejects with CLOSED', async () => {
      const r = await env.createRuntime();
      const x = randomF32('closed/x', 64), y = randomF32('closed/y', 64);
      const h = r.alloc(Float32Array, 64);
      checkExact(await r.kernels.add(x, y), refAdd(x, y), 'add before close()');
      await r.close();
      const calls = {
        matmul: () => r.kernels.matmul(x, y, { m: 8, k: 8, n: 8 }),
        sum: () => r.kernels.sum(x), dot: () => r.kernels.dot(x, y), min: () => r.kernels.min(x), max: () => r.kernels.max(x),
        add: () => r.kernels.add(x, y), mul: () => r.kernels.mul(x, y), axpy: () => r.kernels.axpy(2, x, y), scale: () => r.kernels.scale(2, x),
        'add(heap array)': () => r.kernels.add(x, y, { out: h }),
      };
      for (const [name, call] of Object.entries(calls)) {
        await rejects(call, { code: 'CLOSED', WeftError }, `${name} after close()`);
      }
      await throwsOrRejects(() => r.alloc(Float32Array, 16), { code: 'CLOSED', WeftError }, 'alloc after close()');
    });

    it('calls in flight when close() is called settle (resolve or reject with CLOSED)', async () => {
      const r = await env.createRuntime();
      const a = randomF32('inflight/a', 256 * 256), b = randomF32('inflight/b', 256 * 256);
      const pending = [r.kernels.matmul(a, b, { m: 256, k: 256, n: 256 }), r.kernels.sum(a), r.kernels.scale(3, b)];
      await r.close();
      const results = await Promise.allSettled(pending);
      results.forEach((res, i) => {
        if (res.status === 'rejected') {
          ok(res.reason instanceof WeftError && res.reason.code === 'CLOSED',
            `in-flight call #${i}: rejected with ${fmt(res.reason)} (code ${fmt(res.reason && res.reason.code)}) instead of CLOSED`);
        }
      });
    });
  });
}
