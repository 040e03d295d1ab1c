// Task module for the focused composition tests (test/shared/composition.js). Every function
// that uses the runtime takes it from getRuntime() in its synchronous part, as documented.
import { getRuntime, transfer } from '../../../dist/runtime/index.js';

const SELF = import.meta.url;
const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A deterministic matrix (no PRNG needed): small integers, so every sum is exact in f32. */
function matrix(rows, cols, salt) {
  const out = new Float32Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = ((i * 7 + salt) % 5) - 2;
  return out;
}

/**
 * Several chunks even when planned for one thread (8 for 1024³: at most 2^27 multiply-adds per
 * chunk), so "ran on one thread only" means something, and long enough for idle workers to join.
 */
export const BIG = 1024;

async function bigMatmul(rt, size = BIG) {
  const a = matrix(size, size, 1);
  const b = matrix(size, size, 3);
  const c = await rt.kernels.matmul(a, b, { m: size, k: size, n: size });
  return c[0] + c[c.length - 1];
}

/** The expected value of bigMatmul (computed on the main thread to check the task). */
export function bigMatmulCheck(size = BIG) {
  const a = matrix(size, size, 1);
  const b = matrix(size, size, 3);
  let first = 0;
  let last = 0;
  for (let p = 0; p < size; p++) {
    first += a[p] * b[p * size];
    last += a[(size - 1) * size + p] * b[p * size + size - 1];
  }
  return first + last;
}

export async function sleep(ms) {
  const rt = getRuntime();
  rt.progress('start');
  await sleepMs(ms);
  return ms;
}

export function spin(ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) { /* keep the thread busy */ }
  return ms;
}

export function whoami() {
  return getRuntime().info();
}

/** Runs big matmuls, with awaits before, between and after; returns the view's info and checks. */
export async function kernelsAfterAwait(count = 2) {
  const rt = getRuntime();
  const sums = [];
  await sleepMs(5);
  for (let i = 0; i < count; i++) {
    sums.push(await bigMatmul(rt));
    await sleepMs(1);
  }
  const info = rt.info();
  return { limit: info.limit, composition: info.composition, sums };
}

/** Waits (bounded) until `n` tasks run pool-wide, then runs a size³ matmul (big by default). */
export async function kernelWhenTasks(n, timeoutMs = 5000, size = BIG) {
  const rt = getRuntime();
  const until = Date.now() + timeoutMs;
  while (rt.info().tasks < n && Date.now() < until) await sleepMs(1);
  const tasksSeen = rt.info().tasks;
  const sum = await bigMatmul(rt, size);
  return { tasksSeen, sum, composition: rt.info().composition };
}

export async function emit(n, withAwaits) {
  const rt = getRuntime();
  for (let i = 0; i < n; i++) {
    rt.progress(i);
    if (withAwaits && i % 3 === 0) await sleepMs(0);
  }
  return n;
}

export async function sumArray(x) {
  const rt = getRuntime();
  return { length: x.length, byteLength: x.buffer.byteLength, sum: await rt.kernels.sum(x) };
}

/** Returns a fresh array, transferred (not copied) back to the caller. */
export function makeArray(n) {
  const out = new Float32Array(n).fill(1.5);
  return transfer(out, [out.buffer]);
}

export function failingTaskFunction(message) {
  throw new Error(message);
}

export function throwsString() {
  throw 'a plain string'; // eslint-disable-line no-throw-literal
}

/** Dies from an uncaught exception outside any promise chain of the task. */
export async function crash() {
  setTimeout(() => {
    throw new Error('deliberate crash');
  }, 0);
  await sleepMs(10_000);
  return 'survived';
}

export async function leaseInside() {
  const rt = getRuntime();
  try {
    const lease = await rt.lease(1);
    lease.release();
    return { ok: true };
  } catch (e) {
    return { ok: false, code: e.code, name: e.name };
  }
}

// ---- tasks in tasks ----------------------------------------------------------------------------

const outcome = async (p) => {
  const t0 = Date.now();
  try {
    return { ok: true, value: await p, ms: Date.now() - t0 };
  } catch (e) {
    return { ok: false, code: e && e.code, name: e && e.name, message: String(e && e.message), ms: Date.now() - t0 };
  }
};

/** A nested task that throws; returns how the error looked inside this task. */
export async function nestedThrow() {
  const rt = getRuntime();
  return outcome(rt.module(SELF).failingTaskFunction('nested boom'));
}

export async function nestedTimeout(timeout, hangMs) {
  const rt = getRuntime();
  return outcome(rt.module(SELF).with({ timeout }).sleep(hangMs));
}

export async function nestedAbort(afterMs, hangMs) {
  const rt = getRuntime();
  const ac = new AbortController();
  setTimeout(() => ac.abort(), afterMs);
  return outcome(rt.module(SELF).with({ signal: ac.signal }).sleep(hangMs));
}

export async function nestedPreAborted() {
  const rt = getRuntime();
  const ac = new AbortController();
  ac.abort();
  return outcome(rt.module(SELF).with({ signal: ac.signal }).sleep(1));
}

/** Aborted right after submission, while the host is still answering where the task runs. */
export async function nestedAbortedInFlight(hangMs) {
  const rt = getRuntime();
  const ac = new AbortController();
  const p = outcome(rt.module(SELF).with({ signal: ac.signal }).sleep(hangMs));
  ac.abort();
  return p;
}

export async function nestedProgress(n) {
  const rt = getRuntime();
  const seen = [];
  const result = await outcome(rt.module(SELF).with({ onProgress: (v) => seen.push(v) }).emit(n, true));
  await sleepMs(50);
  return { result, seen };
}

export async function nestedTransfer(n) {
  const rt = getRuntime();
  const x = new Float32Array(n).fill(2);
  const result = await outcome(rt.module(SELF).with({ transfer: [x.buffer] }).sumArray(x));
  return { result, byteLengthAfter: x.buffer.byteLength };
}

export async function preAbortedKernel() {
  const rt = getRuntime();
  const ac = new AbortController();
  ac.abort();
  return outcome(rt.kernels.sum(new Float32Array(16), { signal: ac.signal }));
}

/** Starts `count` nested sleeping tasks and waits for them (some run inline on this worker). */
export async function parentOfSleepers(count, ms) {
  const rt = getRuntime();
  const m = rt.module(SELF);
  rt.progress('start');
  return Promise.all(Array.from({ length: count }, () => m.sleep(ms)));
}
