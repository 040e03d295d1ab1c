/**
 * Safe points for terminating a worker. A worker is terminated when its task is aborted or
 * times out; it must not die inside the allocator (its spin lock would stay held forever),
 * halfway through a kernel chunk (a job would lose that chunk) or halfway through the
 * bookkeeping that keeps its control record in step with the job table. Those are critical
 * sections; between them the worker may be cut off at any instruction.
 *
 * `W.CRITICAL` protocol (one word per worker index):
 *   OUTSIDE --worker enters--> INSIDE --worker leaves--> OUTSIDE
 *   OUTSIDE --host stops it--> PARKED            (the worker parks if it tries to enter)
 *   INSIDE  --host asks-----> KILL_REQUESTED --worker leaves--> PARKED (and parks)
 * The host terminates the thread only once the word is PARKED. Sections nest; only the
 * outermost touches the word.
 *
 * The word also carries the incarnation of the worker at that index (above the two state
 * bits), and every transition a thread makes compares against its own incarnation. A
 * terminated browser worker is not gone when `terminate()` returns: it has been seen to run on
 * for longer than any grace period (a task's code resuming after its worker was replaced).
 * When the host hands the index to a replacement it moves the word to the next incarnation, so
 * such a thread can never enter a critical section again — and every change a thread makes to
 * shared state (jobs, tokens, the heap) is made inside one. It blocks instead, for good.
 */
import { W, workerWord } from './control.js';

export const Critical = { OUTSIDE: 0, INSIDE: 1, PARKED: 2, KILL_REQUESTED: 3 } as const;
type State = (typeof Critical)[keyof typeof Critical];

const STATE_BITS = 2;
const STATE_MASK = (1 << STATE_BITS) - 1;
const word = (incarnation: number, state: State) => (incarnation << STATE_BITS) | state;
const incarnationOf = (value: number) => value >>> STATE_BITS;
const stateOf = (value: number) => value & STATE_MASK;

let depth = 0;
/** This thread's incarnation of its worker index, read once at start-up (`adoptIncarnation`). */
let incarnation = 0;

/** Worker side, at start-up: this thread is the incarnation the host prepared the word for. */
export function adoptIncarnation(ctrl: Int32Array, worker: number): void {
  incarnation = incarnationOf(Atomics.load(ctrl, workerWord(worker, W.CRITICAL)));
}

export function critical<T>(ctrl: Int32Array, worker: number, fn: () => T): T {
  if (worker < 0) return fn(); // the host thread is never terminated
  const at = workerWord(worker, W.CRITICAL);
  if (depth === 0 && Atomics.compareExchange(ctrl, at, word(incarnation, Critical.OUTSIDE), word(incarnation, Critical.INSIDE)) !== word(incarnation, Critical.OUTSIDE)) {
    park(); // stopped by the host while outside (PARKED), or replaced (another incarnation)
  }
  depth++;
  try {
    return fn();
  } finally {
    if (--depth === 0 && Atomics.compareExchange(ctrl, at, word(incarnation, Critical.INSIDE), word(incarnation, Critical.OUTSIDE)) !== word(incarnation, Critical.INSIDE)) {
      // The host asked while we were inside: this is the safe point. (If the word is not ours
      // any more, the host gave up waiting for this thread; it must not be touched.)
      Atomics.compareExchange(ctrl, at, word(incarnation, Critical.KILL_REQUESTED), word(incarnation, Critical.PARKED));
      Atomics.notify(ctrl, at);
      park();
    }
  }
}

/** Never returns: the host terminates this thread. Waits on a cell nobody else can see or wake. */
function park(): never {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (;;) Atomics.wait(cell, 0, 0);
}

/**
 * Host side: stops the worker outside every critical section. Resolves true once it is
 * stopped, or false if `ms` pass first (a thread that died inside a section never answers).
 */
export async function stopAtSafePoint(ctrl: Int32Array, worker: number, ms = Infinity): Promise<boolean> {
  const at = workerWord(worker, W.CRITICAL);
  const current = incarnationOf(Atomics.load(ctrl, at));
  const outside = word(current, Critical.OUTSIDE);
  const deadline = performance.now() + ms;
  for (;;) {
    const seen = Atomics.compareExchange(ctrl, at, outside, word(current, Critical.PARKED));
    if (seen === outside || stateOf(seen) === Critical.PARKED) return true;
    if (stateOf(seen) === Critical.INSIDE) Atomics.compareExchange(ctrl, at, seen, word(current, Critical.KILL_REQUESTED));
    const left = deadline - performance.now();
    if (left <= 0) return false;
    const wait = Atomics.waitAsync(ctrl, at, word(current, Critical.KILL_REQUESTED), left === Infinity ? undefined : left);
    if (wait.async) await wait.value;
  }
}

/** Host side, after a worker died on its own: was it inside a critical section? */
export function diedInside(ctrl: Int32Array, worker: number): boolean {
  const state = stateOf(Atomics.load(ctrl, workerWord(worker, W.CRITICAL)));
  return state === Critical.INSIDE || state === Critical.KILL_REQUESTED;
}

/**
 * Host side, once the worker at `worker` is terminated and its record settled: opens the word
 * for the next thread at that index. The old thread, should it still be running, is locked out.
 */
export function nextIncarnation(ctrl: Int32Array, worker: number): void {
  const at = workerWord(worker, W.CRITICAL);
  Atomics.store(ctrl, at, word(incarnationOf(Atomics.load(ctrl, at)) + 1, Critical.OUTSIDE));
}
