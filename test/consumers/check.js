// The page-side check every consumer fixture runs (copied into each fixture's src/ by the test):
// a parallel matmul through the installed `weft`, checked against a plain JS loop, plus info()
// and which pool workers ran chunks (from the trace). The result lands in window.__WEFT_RESULT__.
//
// It takes the runtime module as an argument so the same code serves bundled apps
// (`import * as weft from 'weft'`) and pages that import weft by URL (`await import(url)`).
export async function runCheck(weft, { m = 320, k = 288, n = 304 } = {}) {
  const result = { ok: false };
  try {
    const rt = await weft.createRuntime({ threads: 2 });
    const info = rt.info();
    Object.assign(result, {
      mode: info.mode,
      threads: info.threads,
      crossOriginIsolated: info.crossOriginIsolated,
      simd: info.simd,
      pageCrossOriginIsolated: globalThis.crossOriginIsolated === true,
    });
    const a = random(m * k, 1);
    const b = random(k * n, 2);
    const c = await rt.kernels.matmul(a, b, { m, k, n });
    // Which pool workers ran chunks: up to 10 traced calls of a bigger product (about 10 ms on one
    // core) until every worker has been seen. A call of a few milliseconds can finish before a
    // second worker is even scheduled on a loaded 2-core machine.
    const big = 512, x = random(big * big, 3);
    result.workersWithChunks = 0;
    for (let attempt = 0; attempt < 10 && result.workersWithChunks < info.threads; attempt++) {
      rt.trace.start();
      await rt.kernels.matmul(x, x, { m: big, k: big, n: big });
      rt.trace.stop();
      const events = rt.trace.export().traceEvents;
      const seen = new Set(events.filter((e) => e.ph === 'X' && e.cat === 'kernel').map((e) => e.tid)).size;
      result.workersWithChunks = Math.max(result.workersWithChunks, seen);
    }
    // |err| ≤ 1e-4 · Σ|a·b| per element (the suite's matmul tolerance), against f64 accumulation.
    let worst = 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0, mag = 0;
        for (let p = 0; p < k; p++) {
          const t = a[i * k + p] * b[p * n + j];
          s += t;
          mag += Math.abs(t);
        }
        worst = Math.max(worst, Math.abs(c[i * n + j] - s) / (1e-4 * mag + 1e-30));
      }
    }
    result.length = c.length;
    result.worstRelativeToTolerance = worst;
    result.ok = c instanceof Float32Array && c.length === m * n && worst <= 1;
    // WeftError is exported and carries a code.
    try {
      await rt.kernels.matmul(a, b, { m: m + 1, k, n });
      result.errorCode = 'none';
    } catch (error) {
      result.errorCode = error instanceof weft.WeftError ? error.code : String(error);
    }
    await rt.close();
  } catch (error) {
    result.error = String(error?.stack || error);
  }
  globalThis.__WEFT_RESULT__ = result;
  if (globalThis.document) document.body.dataset.weft = JSON.stringify(result);
  return result;
}

function random(length, seed) {
  // mulberry32
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1;
  }
  return out;
}
