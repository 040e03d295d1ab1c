/**
 * The thread budget as tokens in the shared control buffer. A pool thread runs weft work only
 * while it holds a token, and leases hold tokens on behalf of foreign libraries, so
 * `H.USED <= H.BUDGET` at every instant is the whole invariant. Acquisition is a CAS loop
 * that never oversteps; release wakes everyone who might be waiting for a token.
 */
import { H } from './control.js';
import { throwIfAborted } from './errors.js';
import { abandonable } from './settle.js';

/** Takes `n` tokens if all `n` are free right now; never blocks. */
export function tryAcquire(ctrl: Int32Array, n = 1): boolean {
  for (;;) {
    const used = Atomics.load(ctrl, H.USED);
    if (used + n > Atomics.load(ctrl, H.BUDGET)) return false;
    if (Atomics.compareExchange(ctrl, H.USED, used, used + n) === used) return true;
  }
}

export function release(ctrl: Int32Array, n = 1): void {
  Atomics.sub(ctrl, H.USED, n);
  // Waiters: idle workers (on EPOCH, they may now help a job), the host's dispatcher and
  // lease requests (on USED). Both are notified after the decrement, so a waiter that
  // re-checks after waking cannot miss the freed token.
  Atomics.notify(ctrl, H.USED);
  wakeIdleWorkers(ctrl);
  const waiters = localWaiters.get(ctrl);
  localWaiters.delete(ctrl);
  waiters?.forEach((wake) => wake());
}

/**
 * A non-shared control buffer (fallback mode) cannot be waited on with Atomics; there every
 * release happens on the host thread itself, so a plain callback list serves instead.
 */
const localWaiters = new WeakMap<Int32Array, Array<() => void>>();

/** Resolves after the next change of `H.USED` from `seen` (immediately if it already changed). */
export function usedChanged(ctrl: Int32Array, seen: number): Promise<unknown> {
  if (ctrl.buffer instanceof ArrayBuffer) {
    if (Atomics.load(ctrl, H.USED) !== seen) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const list = localWaiters.get(ctrl) ?? [];
      list.push(resolve);
      localWaiters.set(ctrl, list);
    });
  }
  const wait = Atomics.waitAsync(ctrl, H.USED, seen);
  return wait.async ? wait.value : Promise.resolve();
}

/** Tells idle workers to look at the job table again (a job opened, or a token was freed). */
export function wakeIdleWorkers(ctrl: Int32Array): void {
  Atomics.add(ctrl, H.EPOCH, 1);
  Atomics.notify(ctrl, H.EPOCH);
}

/**
 * Resolves once `n` tokens could be taken (all at once), for a lease. Only the host calls this.
 * Rejects with the signal's reason if aborted first.
 */
export async function acquireWhenFree(ctrl: Int32Array, n: number, signal?: AbortSignal): Promise<void> {
  for (;;) {
    throwIfAborted(signal);
    const seen = Atomics.load(ctrl, H.USED);
    if (tryAcquire(ctrl, n)) return;
    await abandonable(usedChanged(ctrl, seen), signal);
  }
}


/** The budget counters as `info()` reports them. */
export function budgetSnapshot(ctrl: Int32Array) {
  const threads = Atomics.load(ctrl, H.BUDGET);
  const used = Atomics.load(ctrl, H.USED);
  const leased = Atomics.load(ctrl, H.LEASED);
  return { threads, busy: used - leased, idle: threads - used, leased, tasks: Atomics.load(ctrl, H.ACTIVE_TASKS) };
}
