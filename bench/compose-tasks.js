// Task module for the composition bench (bench/compose.js), run on weft's pool workers.
//
// mode 'composed': the task's kernels go through getRuntime(), i.e. the page's one pool and
//   budget (the composition, dynamic or static, travels with the task).
// mode 'naive': the task ignores weft's composition and does what an app's worker typically
//   does with a threaded wasm library: initialise its own private thread pool once per worker
//   (cached in a module-level variable, like wasm-bindgen-rayon's initThreadPool) and run its
//   kernels there. Every pool worker thus owns a pool of `budget` threads: budget² in all.
import { createRuntime, getRuntime } from 'weft';
import { fillRandom } from './timing.js';

/** The naive private pool of this worker: created on first use, then reused by every task. */
let privatePool = null;
function naiveRuntime(threads) {
  privatePool ??= createRuntime({ isolated: true, threads });
  return privatePool;
}

/**
 * Operands, built once per worker and per (pool, size) and kept, as an app keeps its weights:
 * heap arrays of the pool the kernel runs on, so both configurations are zero-copy.
 */
const operands = new Map();
function operandsFor(rt, pool, size) {
  const key = `${pool}:${size}`;
  let o = operands.get(key);
  if (!o) {
    const n = size * size;
    o = {
      a: fillRandom(rt.alloc(Float32Array, n), 11),
      b: fillRandom(rt.alloc(Float32Array, n), 12),
      out: rt.alloc(Float32Array, n),
    };
    operands.set(key, o);
  }
  return o;
}

/** One task of every workload: a size² matmul, composed or naive. Returns C[0] as a checksum. */
export async function matmul({ size, mode, budget }) {
  // getRuntime() in the synchronous part of the task, before any await (as documented).
  const rt = mode === 'naive' ? await naiveRuntime(budget) : getRuntime();
  const { a, b, out } = operandsFor(rt, mode, size);
  await rt.kernels.matmul(a, b, { m: size, k: size, n: size, out });
  return out[0];
}

/** Warm-up for naive: creates this worker's private pool, then holds the worker a while so
 * that concurrently submitted init tasks land on different workers. */
export async function naiveInit({ budget, holdMs }) {
  const rt = await naiveRuntime(budget);
  await new Promise((resolve) => setTimeout(resolve, holdMs));
  return { worker: self.name, info: rt.info() };
}

/**
 * A naive matmul with this worker's private pool traced: returns the kernel-chunk spans its
 * workers ran (absolute ms), to show how many threads the naive configuration really runs.
 */
export async function naiveTraced({ size, budget }) {
  const rt = await naiveRuntime(budget);
  const { a, b, out } = operandsFor(rt, 'naive', size);
  const since = performance.timeOrigin + performance.now();
  rt.trace.start();
  await rt.kernels.matmul(a, b, { m: size, k: size, n: size, out });
  rt.trace.stop();
  const trace = rt.trace.export();
  const spans = trace.traceEvents
    .filter((e) => e.ph === 'X' && e.cat === 'kernel')
    .map((e) => ({ tid: e.tid, start: since + e.ts / 1000, end: since + (e.ts + (e.dur ?? 0)) / 1000 }));
  return { worker: self.name, info: rt.info(), spans };
}
