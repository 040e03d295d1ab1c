/**
 * Safe points for terminating a worker. A worker is terminated when its task is aborted or
 * times out; it must not die inside the allocator (its spin lock would stay held forever),
 * halfway through a kernel chunk (a job would lose that chunk) or halfway through the
 * bookkeeping that keeps its control record in step with the job table. Those are critical
 * sections; between them the worker may be cut off at any instruction.
 *
 * `W.CRITICAL` protocol (one word per worker):
 *   OUTSIDE --worker enters--> INSIDE --worker leaves--> OUTSIDE
 *   OUTSIDE --host stops it--> PARKED            (the worker parks if it tries to enter)
 *   INSIDE  --host asks-----> KILL_REQUESTED --worker leaves--> PARKED (and parks)
 * The host terminates the thread only once the word is PARKED. Sections nest; only the
 * outermost touches the word.
 */
import { W, workerWord } from './control.js';

export const Critical = { OUTSIDE: 0, INSIDE: 1, PARKED: 2, KILL_REQUESTED: 3 } as const;

let depth = 0;

export function critical<T>(ctrl: Int32Array, worker: number, fn: () => T): T {
  if (worker < 0) return fn(); // the host thread is never terminated
  const at = workerWord(worker, W.CRITICAL);
  if (depth === 0 && Atomics.compareExchange(ctrl, at, Critical.OUTSIDE, Critical.INSIDE) !== Critical.OUTSIDE) {
    park(ctrl, at);
  }
  depth++;
  try {
    return fn();
  } finally {
    if (--depth === 0 && Atomics.compareExchange(ctrl, at, Critical.INSIDE, Critical.OUTSIDE) !== Critical.INSIDE) {
      park(ctrl, at); // the host asked while we were inside: this is the safe point
    }
  }
}

/** Never returns: the host terminates this thread. */
function park(ctrl: Int32Array, at: number): never {
  Atomics.store(ctrl, at, Critical.PARKED);
  Atomics.notify(ctrl, at);
  for (;;) Atomics.wait(ctrl, at, Critical.PARKED);
}

/**
 * Host side: stops the worker outside every critical section. Resolves true once it is
 * stopped, or false if `ms` pass first (a thread that died inside a section never answers).
 */
export async function stopAtSafePoint(ctrl: Int32Array, worker: number, ms = Infinity): Promise<boolean> {
  const at = workerWord(worker, W.CRITICAL);
  const deadline = performance.now() + ms;
  for (;;) {
    const state = Atomics.compareExchange(ctrl, at, Critical.OUTSIDE, Critical.PARKED);
    if (state === Critical.OUTSIDE || state === Critical.PARKED) return true;
    if (state === Critical.INSIDE) Atomics.compareExchange(ctrl, at, Critical.INSIDE, Critical.KILL_REQUESTED);
    const left = deadline - performance.now();
    if (left <= 0) return false;
    const wait = Atomics.waitAsync(ctrl, at, Critical.KILL_REQUESTED, left === Infinity ? undefined : left);
    if (wait.async) await wait.value;
  }
}

/** Host side, after a worker died on its own: was it inside a critical section? */
export function diedInside(ctrl: Int32Array, worker: number): boolean {
  const state = Atomics.load(ctrl, workerWord(worker, W.CRITICAL));
  return state === Critical.INSIDE || state === Critical.KILL_REQUESTED;
}
