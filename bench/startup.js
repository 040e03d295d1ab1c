// One fresh page load: how long until createRuntime() resolves (pool workers started, kernels
// compiled and instantiated on every thread). bench/run.mjs loads this page several times,
// each in a new browser context (empty HTTP cache), and reports the median.
import { assertShared, log, runBench } from './page.js';

const t0 = performance.now();

runBench(async () => {
  const { createRuntime } = await import('weft');
  const t1 = performance.now();
  const rt = await createRuntime();
  const t2 = performance.now();
  const info = assertShared(rt);
  // The workers really run: one kernel through the pool.
  const x = rt.alloc(Float32Array, 4).fill(1);
  const s = await rt.kernels.sum(x);
  if (s !== 4) throw new Error(`sum gave ${s}`);
  log(`createRuntime ${(t2 - t1).toFixed(1)} ms`);
  await rt.close();
  return { importMs: t1 - t0, createMs: t2 - t1, sinceNavigationMs: t2, scriptStartMs: t0, simd: info.simd, threads: info.threads };
});
