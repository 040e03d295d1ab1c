// Timing helpers shared by the bench pages and the task modules (plain ES module, no imports).

export const now = () => performance.now();

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs, p) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round((p / 100) * (s.length - 1))))];
}

/**
 * Times `fn` (sync or async) after `warmup` untimed calls: at least `minReps` timed calls and
 * until `minMs` have passed, at most `maxReps`. Returns the median and the raw times (ms).
 */
export async function measure(fn, { warmup = 2, minReps = 5, maxReps = 30, minMs = 400 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  const start = now();
  while (times.length < minReps || (now() - start < minMs && times.length < maxReps)) {
    const t0 = now();
    await fn();
    times.push(now() - t0);
  }
  return { ms: median(times), min: Math.min(...times), reps: times.length, times };
}

/** Per-call times of `calls` awaited calls of `fn` (after `warmup`), for latency figures. */
export async function perCall(fn, { warmup = 200, calls = 2000 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = new Array(calls);
  const t0 = now();
  for (let i = 0; i < calls; i++) {
    const t = now();
    await fn();
    times[i] = now() - t;
  }
  const total = now() - t0;
  return {
    calls,
    medianUs: median(times) * 1000,
    p90Us: percentile(times, 90) * 1000,
    meanUs: (total / calls) * 1000,
  };
}

/** Deterministic pseudo-random fill in [-1, 1), so runs are comparable. */
export function fillRandom(array, seed = 1) {
  let s = seed >>> 0 || 1;
  for (let i = 0; i < array.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    array[i] = ((s >>> 0) / 4294967296) * 2 - 1;
  }
  return array;
}
