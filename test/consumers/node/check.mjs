// Node 20+ consumer of the installed package: the same API as in a page, on worker_threads.
// Prints one JSON line (read by test/consumers/package.test.js).
import * as weft from 'weft';

const m = 256, k = 224, n = 240;
const random = (length, seed) => {
  let s = seed >>> 0;
  return Float32Array.from({ length }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
};
const result = { ok: false };
try {
  const rt = await weft.createRuntime({ threads: 2 });
  const info = rt.info();
  Object.assign(result, { mode: info.mode, threads: info.threads, platform: info.platform, simd: info.simd });
  const a = random(m * k, 1), b = random(k * n, 2);
  const c = await rt.kernels.matmul(a, b, { m, k, n });
  // Which workers ran chunks: up to 10 traced calls of a bigger product (about 10 ms on one core)
  // until both have been seen; a short call can end before a second worker is scheduled.
  const big = 512, x = random(big * big, 3);
  result.workersWithChunks = 0;
  for (let attempt = 0; attempt < 10 && result.workersWithChunks < 2; attempt++) {
    rt.trace.start();
    await rt.kernels.matmul(x, x, { m: big, k: big, n: big });
    rt.trace.stop();
    const seen = new Set(rt.trace.export().traceEvents.filter((e) => e.ph === 'X' && e.cat === 'kernel').map((e) => e.tid)).size;
    result.workersWithChunks = Math.max(result.workersWithChunks, seen);
  }
  let worst = 0;
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0, mag = 0;
    for (let p = 0; p < k; p++) { const t = a[i * k + p] * b[p * n + j]; s += t; mag += Math.abs(t); }
    worst = Math.max(worst, Math.abs(c[i * n + j] - s) / (1e-4 * mag + 1e-30));
  }
  result.worstRelativeToTolerance = worst;
  result.ok = c instanceof Float32Array && c.length === m * n && worst <= 1;
  try { await rt.kernels.matmul(a, b, { m: m + 1, k, n }); result.errorCode = 'none'; }
  catch (e) { result.errorCode = e instanceof weft.WeftError ? e.code : String(e); }
  await rt.close();
} catch (error) {
  result.error = String(error?.stack || error);
}
console.log(JSON.stringify(result));
