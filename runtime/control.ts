/**
 * The shared control buffer: one Int32Array over a SharedArrayBuffer that every thread of a
 * pool sees. Every slot is named here, with its meaning; no other module computes offsets.
 *
 * Three regions:
 *   [header]         pool-wide counters (the budget lives here)
 *   [worker records] one small record per pool worker, readable by the host when it dies
 *   [job slots]      one record per kernel call in flight
 *
 * Ordering: all reads and writes of these words go through `Atomics` (sequentially
 * consistent), so a plain "store fields, then publish with a state change" is enough for
 * another thread that observes the state change to also observe the fields.
 */

/** Upper bound on pool size; `threads` is validated against it. */
export const MAX_WORKERS = 256;
/** Kernel calls in flight at once, over the whole pool. */
export const MAX_JOBS = 512;
/** The main thread may occupy at most this many job slots, so workers always find one. */
export const MAX_MAIN_JOBS = MAX_JOBS - MAX_WORKERS;

export const H = {
  /** The thread budget: the most threads weft (plus its leases) may keep busy at once. */
  BUDGET: 0,
  /** Tokens held: busy pool threads + leased threads. Invariant: USED <= BUDGET. */
  USED: 1,
  /** Threads currently lent to foreign libraries through `rt.lease()` (included in USED). */
  LEASED: 2,
  /** Bumped (and notified) whenever idle workers should look again: a job opened or a token freed. */
  EPOCH: 3,
  /** App-level tasks running right now; static composition divides the budget by it. */
  ACTIVE_TASKS: 4,
  /** 1 while tracing; workers check it before recording a span. */
  TRACE_ON: 5,
  /** Monotonic job id source, for trace spans. */
  JOB_SEQ: 6,
  /** Bumped (and notified) whenever a job slot is freed, for callers waiting for one. */
  SLOT_FREED: 7,
} as const;
const HEADER_WORDS = 16;

/** Per-worker record. The host reads it when a worker dies, to settle what it held. */
export const W = {
  /** 1 while this worker holds a token it took to help a job (a task's token is the host's). */
  TOKEN: 0,
  /**
   * Whether the worker is inside a critical section (the allocator's spin lock, or bookkeeping
   * that must not be cut in half) or stopped by the host, and which incarnation of the worker
   * at this index the word belongs to: see critical.ts.
   */
  CRITICAL: 1,
  /** 1 + job slot this worker is counted as a participant of, 0 when none. */
  JOINED: 2,
  /** 1 + slot of the host's job whose phases this worker drives (`J.DRIVER`), 0 when none. */
  DRIVING: 3,
} as const;
const WORKER_WORDS = 4;

/** Per-job record. `STATE` packs the state (low 4 bits) and the participant count above it. */
export const J = {
  STATE: 0,
  N_CHUNKS: 1,
  /** Next chunk index to claim (fetch-add). May overshoot N_CHUNKS. */
  NEXT: 2,
  /** Chunks completed (or skipped after an abort). The caller waits for DONE == N_CHUNKS. */
  DONE: 3,
  /** Most threads that may work on the open phase at once, the caller included: CAP, at most its chunks. */
  MAX_PARTICIPANTS: 4,
  /** Non-zero: skip the remaining chunks (the caller aborted, or a chunk failed). */
  ABORT: 5,
  /** Non-zero: a chunk trapped (ERR_TRAP) or its worker died (ERR_CRASH). */
  ERROR: 6,
  /** Byte address of the job's `Job` struct in the shared wasm memory. */
  JOB_PTR: 7,
  /** 0 for the main thread, 1 + worker index for a worker (so the host can reclaim a dead owner's slots). */
  OWNER: 8,
  KERNEL: 9,
  /** Job id (from H.JOB_SEQ), for the trace. */
  ID: 10,
  /** Bumped (and notified) on every chunk completion and every departure: what waiters wait on. */
  PROGRESS: 11,
  /** Who closes the open phase and opens the next: a `Driver` value, or 1 + worker index. */
  DRIVER: 12,
  /** The call's `threads`: most threads that may ever work on it, the caller included. */
  CAP: 13,
} as const;
const JOB_WORDS = 16;

export const JobState = { FREE: 0, FILLING: 1, OPEN: 2, CLOSING: 3 } as const;
/**
 * `J.DRIVER` values besides 1 + worker index. A worker's own job is driven by that worker. A
 * host job starts each phase with NONE: a participant with no task of its own may take over its
 * phase loop (a worker can wait between phases without a round trip to the page), or the host
 * takes it once the phase has settled. FINISHED: a worker drove the last phase to its end.
 */
export const Driver = { NONE: 0, HOST: -1, FINISHED: -2 } as const;
export const STATE_MASK = 0xf;
export const PARTICIPANT = 0x10;
export const ERR_TRAP = 1;
export const ERR_CRASH = 2;

const WORKERS_BASE = HEADER_WORDS;
const JOBS_BASE = WORKERS_BASE + MAX_WORKERS * WORKER_WORDS;
export const CONTROL_WORDS = JOBS_BASE + MAX_JOBS * JOB_WORDS;

/** Index of word `field` in worker `w`'s record. */
export const workerWord = (w: number, field: number) => WORKERS_BASE + w * WORKER_WORDS + field;
/** Index of word `field` in job slot `s`. */
export const jobWord = (s: number, field: number) => JOBS_BASE + s * JOB_WORDS + field;

export function createControl(shared: boolean, budget: number): Int32Array {
  const bytes = CONTROL_WORDS * 4;
  const ctrl = new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  ctrl[H.BUDGET] = budget;
  return ctrl;
}
