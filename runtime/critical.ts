/**
 * Critical sections a worker must never be terminated inside: the allocator (its spin lock
 * would stay held forever) and the few stores that keep a worker's control record in step
 * with the job table. The host claims the word (0 → 2) before it terminates a worker, and
 * waits while the worker is inside (1). Sections nest; only the outermost touches the word.
 */
import { W, workerWord } from './control.js';

let depth = 0;

export function critical<T>(ctrl: Int32Array, worker: number, fn: () => T): T {
  if (worker < 0) return fn(); // the host thread is never terminated
  const at = workerWord(worker, W.CRITICAL);
  if (depth === 0 && Atomics.compareExchange(ctrl, at, 0, 1) !== 0) {
    // The host is terminating us: park until it does.
    for (;;) Atomics.wait(ctrl, at, 2);
  }
  depth++;
  try {
    return fn();
  } finally {
    if (--depth === 0) Atomics.store(ctrl, at, 0);
  }
}

/** Host side: true once the worker is outside any critical section and may be terminated. */
export function claimForTermination(ctrl: Int32Array, worker: number): boolean {
  const at = workerWord(worker, W.CRITICAL);
  const state = Atomics.compareExchange(ctrl, at, 0, 2);
  return state === 0 || state === 2;
}
