// Task module for the foundation bench (run on weft's pool workers through rt.module()).
import { getRuntime } from 'weft';
import { perCall } from './timing.js';

/** Nothing: the round trip of a task call itself. */
export function noop() {
  return 0;
}

/**
 * Per-call latency of `sum` over `length` elements (a heap array) called from inside a task:
 * the worker-side path (the calling worker opens the job and runs its chunks itself).
 */
export async function kernelOverhead({ length = 16, threads, calls = 2000, warmup = 200 }) {
  const rt = getRuntime(); // in the task's synchronous part, as documented
  const x = rt.alloc(Float32Array, length).fill(1);
  try {
    const stats = await perCall(() => rt.kernels.sum(x, { threads }), { calls, warmup });
    const check = await rt.kernels.sum(x, { threads });
    if (check !== length) throw new Error(`sum of ${length} ones gave ${check}`);
    return { ...stats, worker: self.name, info: rt.info() };
  } finally {
    rt.free(x);
  }
}
