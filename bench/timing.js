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
export async function measure(fn, options) {
  return (await measureEach([fn], options))[0];
}

/**
 * Times several configurations of one operation (1 thread, all threads, ...) in alternating
 * blocks: each round gives every function, starting one further along each round, one untimed
 * call and then `block` timed ones. A machine that slows down for a few seconds then slows them
 * all alike and the ratios between them hold (timed one whole series after the other, a phase
 * change between two series showed as a scaling figure). Blocks rather than single calls: right
 * after a 1-thread call the other core has gone idle, and a 2-thread call timed there pays its
 * wake-up every time (prefixSum of 1e6, a 1 ms call, measured 2T/1T 1.04 and 1.06 alternating
 * call by call, against 1.35 and 1.50 timed in series, two runs each). `minReps` and
 * `maxReps` count timed calls per function; `minMs` is per function. One result per function,
 * as `measure`'s.
 */
export async function measureEach(fns, { warmup = 2, minReps = 5, maxReps = 30, minMs = 400, block = 3 } = {}) {
  for (const fn of fns) for (let i = 0; i < warmup; i++) await fn();
  const times = fns.map(() => []);
  const start = now();
  const more = () => times[0].length < minReps || (now() - start < minMs * fns.length && times[0].length < maxReps);
  // One function alone has nothing to alternate with: a plain series, every call timed.
  const timedPerBlock = fns.length > 1 ? block : 1;
  for (let round = 0; more(); round++) {
    for (let j = 0; j < fns.length; j++) {
      const f = (round + j) % fns.length;
      if (fns.length > 1) await fns[f]();
      for (let i = 0; i < timedPerBlock; i++) {
        const t0 = now();
        await fns[f]();
        times[f].push(now() - t0);
      }
    }
  }
  return times.map((t) => ({ ms: median(t), min: Math.min(...t), reps: t.length, times: t }));
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
