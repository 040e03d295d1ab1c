/**
 * Kernel calls as jobs in the shared job table. A caller opens a job (its arguments in a
 * `Job` struct in the shared memory, its counters in a control-buffer slot); participants
 * claim chunk indices with one atomic fetch-add each, so dispatch costs no message per chunk.
 * Design note, with the protocols and why they cannot deadlock: docs/SCHEDULER.md.
 */
import { release, tryAcquire, wakeIdleWorkers } from './budget.js';
import {
  Driver,
  ERR_CRASH,
  ERR_TRAP,
  H,
  J,
  JobState,
  MAX_JOBS,
  MAX_MAIN_JOBS,
  PARTICIPANT,
  STATE_MASK,
  W,
  jobWord,
  workerWord,
} from './control.js';
import { critical } from './critical.js';
import { AbortError, KernelError, WorkerCrashedError, throwIfAborted } from './errors.js';
import type { Heap } from './heap.js';
import { SpanKind, type TraceWriter } from './trace.js';
import type { KernelExports } from './wasm.js';

/** Size and field offsets of kernels-rs's `#[repr(C)] Job` on wasm32 (checked at start-up). */
export const JOB_BYTES = 120;
const OFF = { KERNEL: 0, N_CHUNKS: 4, SCRATCH_BYTES: 8, SCRATCH: 12, PTR: 16, DIM: 32, PHASE: 64, N_PHASES: 68, SCALAR: 72, RESULT: 104, THREADS: 112 };
const DIMS = 8;
const PTRS = 4;
const SCALARS = 4;

/** One kernel call, arguments already in the shared memory. */
export interface JobSpec {
  kernel: number;
  name: string;
  ptr: readonly number[];
  dim: readonly number[];
  scalar: readonly number[];
  /** Most threads that may work on it at once, the caller included. */
  threads: number;
}

/** What a thread needs to open, run and close jobs. */
export interface JobContext {
  ctrl: Int32Array;
  exports: KernelExports;
  heap: Heap;
  /** Address of the table of MAX_JOBS `Job` structs in the shared memory. */
  jobs: number;
  /** This thread's worker index; -1 on the host. */
  worker: number;
  trace: TraceWriter | null;
  /** Top of this thread's wasm stack: a trap unwinds nothing, so the stack pointer is reset here. */
  stackTop: number;
}

/**
 * Calls into the kernel module; a trap (a kernel bug, or memory corrupted by a caller) leaves
 * the thread usable: the wasm stack pointer is put back, and the caller sees the error.
 */
function guarded<T>(ctx: JobContext, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    ctx.exports.__stack_pointer.value = ctx.stackTop;
    throw error;
  }
}

const get = (ctx: JobContext, slot: number, field: number) => Atomics.load(ctx.ctrl, jobWord(slot, field));
const set = (ctx: JobContext, slot: number, field: number, value: number) =>
  Atomics.store(ctx.ctrl, jobWord(slot, field), value);
const participants = (state: number) => state >>> 4;
export const jobAddress = (jobs: number, slot: number) => jobs + slot * JOB_BYTES;
/** Each worker owns one slot: its kernel calls are synchronous, so it never has two open. */
export const workerSlot = (worker: number) => MAX_MAIN_JOBS + worker;

function progressed(ctrl: Int32Array, slot: number): void {
  Atomics.add(ctrl, jobWord(slot, J.PROGRESS), 1);
  Atomics.notify(ctrl, jobWord(slot, J.PROGRESS));
}

/** Writes the job's arguments, plans its first phase and allocates its scratch. */
function writeJob(ctx: JobContext, slot: number, spec: JobSpec): void {
  const at = jobAddress(ctx.jobs, slot);
  let dv = ctx.heap.dataView();
  dv.setUint32(at + OFF.KERNEL, spec.kernel, true);
  dv.setUint32(at + OFF.SCRATCH_BYTES, 0, true);
  dv.setUint32(at + OFF.SCRATCH, 0, true);
  for (let i = 0; i < PTRS; i++) dv.setUint32(at + OFF.PTR + 4 * i, spec.ptr[i] ?? 0, true);
  for (let i = 0; i < DIMS; i++) dv.setUint32(at + OFF.DIM + 4 * i, spec.dim[i] ?? 0, true);
  for (let i = 0; i < SCALARS; i++) dv.setFloat64(at + OFF.SCALAR + 8 * i, spec.scalar[i] ?? 0, true);
  dv.setUint32(at + OFF.PHASE, 0, true);
  dv.setFloat64(at + OFF.RESULT, NaN, true);
  // Planned for the threads that tasks and leases leave it (the caller's own task aside), at most
  // its cap. Threads freed later still join while chunks are left (the cap is what limits
  // participants), and a large call is cut into chunks whatever this says (sgemm: at most
  // MAX_CHUNK_MACS each); but a small call made while every other thread runs a task is not cut
  // up for helpers that cannot come (a 128³ matmul in a busy pool was ~15% slower cut in eight:
  // bench/RESULTS.md, composition). Tokens are not the measure: a helper still leaving the
  // previous job holds one for a moment, and back-to-back calls would then plan for one thread.
  const { ctrl } = ctx;
  const taken = Atomics.load(ctrl, H.ACTIVE_TASKS) + Atomics.load(ctrl, H.LEASED) - (ctx.worker >= 0 ? 1 : 0);
  dv.setUint32(at + OFF.THREADS, Math.max(1, Math.min(spec.threads, Atomics.load(ctrl, H.BUDGET) - taken)), true);
  set(ctx, slot, J.CAP, spec.threads);
  // The slot's flags may still hold the previous job's outcome; the phase loop reads them.
  set(ctx, slot, J.ABORT, 0);
  set(ctx, slot, J.ERROR, 0);
  guarded(ctx, () => ctx.exports.weft_plan(at));
  dv = ctx.heap.dataView();
  const scratchBytes = dv.getUint32(at + OFF.SCRATCH_BYTES, true);
  if (scratchBytes > 0) {
    const scratch = ctx.heap.alloc(scratchBytes, 8);
    ctx.heap.dataView().setUint32(at + OFF.SCRATCH, scratch, true);
  }
}

/** The phase a slot's job has open (or last opened) and how many it has, from its `Job` struct. */
function phaseOf(ctx: JobContext, slot: number): { phase: number; phases: number } {
  const at = jobAddress(ctx.jobs, slot);
  const dv = ctx.heap.dataView();
  return { phase: dv.getUint32(at + OFF.PHASE, true), phases: Math.max(1, dv.getUint32(at + OFF.N_PHASES, true)) };
}

/**
 * Plans phase `phase` and makes it visible to helpers. A caller that joins (a worker) drives the
 * job; otherwise (the host) a helper may take the drive (`J.DRIVER`). A worker calls it inside a
 * critical section, so opening the job and taking the caller's place in it are never cut apart
 * by a kill.
 */
function openPhase(ctx: JobContext, slot: number, phase: number, callerJoins: boolean): void {
  const at = jobAddress(ctx.jobs, slot);
  if (phase > 0) {
    ctx.heap.dataView().setUint32(at + OFF.PHASE, phase, true);
    guarded(ctx, () => ctx.exports.weft_plan(at));
  }
  const dv = ctx.heap.dataView();
  const n = dv.getUint32(at + OFF.N_CHUNKS, true);
  const kernel = dv.getUint32(at + OFF.KERNEL, true);
  const threads = Math.max(1, Math.min(get(ctx, slot, J.CAP), n));
  set(ctx, slot, J.N_CHUNKS, n);
  set(ctx, slot, J.NEXT, 0);
  set(ctx, slot, J.DONE, 0);
  set(ctx, slot, J.MAX_PARTICIPANTS, threads);
  set(ctx, slot, J.JOB_PTR, at);
  set(ctx, slot, J.OWNER, ctx.worker + 1);
  set(ctx, slot, J.KERNEL, kernel);
  set(ctx, slot, J.ID, Atomics.add(ctx.ctrl, H.JOB_SEQ, 1));
  set(ctx, slot, J.DRIVER, callerJoins ? ctx.worker + 1 : Driver.NONE);
  // The caller's own place is taken in the same store that opens the job, so helpers can
  // never crowd the caller out: it claims chunks until none are left, so its kernel never
  // waits for another thread to start (helpers may still take every chunk first).
  set(ctx, slot, J.STATE, JobState.OPEN | (callerJoins ? PARTICIPANT : 0));
  if (callerJoins) Atomics.store(ctx.ctrl, workerWord(ctx.worker, W.JOINED), slot + 1);
  // Wake every idle worker rather than just as many as could help: a worker whose task is
  // running may still have an idle-loop waiter queued, and a counted notify could spend itself
  // on that one while a truly idle worker sleeps on.
  if (Math.min(threads, n) > (callerJoins ? 1 : 0)) wakeIdleWorkers(ctx.ctrl);
}

/**
 * After a phase closed and emptied: opens the next one, unless that was the last or the job
 * was aborted. A trap while planning it fails the job. Returns whether a phase opened, and the
 * trap if planning trapped.
 */
function openNextPhase(ctx: JobContext, slot: number, callerJoins: boolean): { opened: boolean; trap?: unknown } {
  const { phase, phases } = phaseOf(ctx, slot);
  if (phase + 1 >= phases || get(ctx, slot, J.ABORT) !== 0) return { opened: false };
  try {
    openPhase(ctx, slot, phase + 1, callerJoins);
    return { opened: true };
  } catch (trap) {
    set(ctx, slot, J.ERROR, ERR_TRAP);
    set(ctx, slot, J.ABORT, 1);
    return { opened: false, trap };
  }
}

/** Takes a participant's place if the job is open and not full. */
function tryJoin(ctx: JobContext, slot: number): boolean {
  return critical(ctx.ctrl, ctx.worker, () => {
    const at = jobWord(slot, J.STATE);
    for (;;) {
      const state = Atomics.load(ctx.ctrl, at);
      if ((state & STATE_MASK) !== JobState.OPEN) return false;
      if (participants(state) >= get(ctx, slot, J.MAX_PARTICIPANTS)) return false;
      if (Atomics.compareExchange(ctx.ctrl, at, state, state + PARTICIPANT) === state) {
        Atomics.store(ctx.ctrl, workerWord(ctx.worker, W.JOINED), slot + 1);
        return true;
      }
    }
  });
}

function leave(ctx: JobContext, slot: number): void {
  // The notification belongs in the same critical section as the change it announces: a
  // worker stopped at the section's end must not leave a waiter unwoken.
  critical(ctx.ctrl, ctx.worker, () => {
    // Whoever clears JOINED gives the place back: this thread, or the host settling it as dead.
    if (Atomics.exchange(ctx.ctrl, workerWord(ctx.worker, W.JOINED), 0) === slot + 1) {
      Atomics.sub(ctx.ctrl, jobWord(slot, J.STATE), PARTICIPANT);
    }
    progressed(ctx.ctrl, slot);
  });
}

/**
 * Claims and runs chunks until none are left or the job is aborted. Each chunk, from claim
 * to completion count, is one critical section: a worker terminated on purpose never leaves
 * a chunk half done (critical.ts). Returns the trap, if this thread's chunk trapped.
 */
function runChunks(ctx: JobContext, slot: number): unknown {
  const { ctrl, exports } = ctx;
  const n = get(ctx, slot, J.N_CHUNKS);
  const at = get(ctx, slot, J.JOB_PTR);
  const kernel = get(ctx, slot, J.KERNEL);
  const id = get(ctx, slot, J.ID);
  const next = jobWord(slot, J.NEXT);
  const abort = jobWord(slot, J.ABORT);
  let trap: unknown;
  const runOne = (): boolean => {
    if (Atomics.load(ctrl, abort) !== 0) return false;
    const chunk = Atomics.add(ctrl, next, 1);
    if (chunk >= n) return false;
    const span = ctx.trace && Atomics.load(ctrl, H.TRACE_ON) ? ctx.trace.begin(SpanKind.CHUNK, kernel, id, chunk) : -1;
    try {
      guarded(ctx, () => exports.weft_chunk(at, chunk));
    } catch (error) {
      // A trap inside a kernel: the job fails, the thread and the pool carry on.
      trap = error;
      set(ctx, slot, J.ERROR, ERR_TRAP);
      Atomics.store(ctrl, abort, 1);
    } finally {
      if (span >= 0) ctx.trace!.end(span);
    }
    // Only the last chunk can settle the job, so only it wakes the waiters: a notify that
    // wakes a waitAsync waiter posts a task to its thread, and one per chunk woke the page
    // once per chunk for nothing. (An abort settles through leave(), which always notifies.)
    if (Atomics.add(ctrl, jobWord(slot, J.DONE), 1) + 1 === n) progressed(ctrl, slot);
    return true;
  };
  while (critical(ctrl, ctx.worker, runOne));
  return trap;
}

/** Finished: every chunk done, or aborted with nobody still inside. */
function isSettled(ctx: JobContext, slot: number): boolean {
  if (get(ctx, slot, J.DONE) >= get(ctx, slot, J.N_CHUNKS)) return true;
  return get(ctx, slot, J.ABORT) !== 0 && participants(get(ctx, slot, J.STATE)) === 0;
}

const isEmpty = (ctx: JobContext, slot: number) => participants(get(ctx, slot, J.STATE)) === 0;

/** Stops new helpers from joining; those inside finish the chunk they hold and leave. */
function beginClosing(ctrl: Int32Array, slot: number): void {
  const at = jobWord(slot, J.STATE);
  for (;;) {
    const state = Atomics.load(ctrl, at);
    if (Atomics.compareExchange(ctrl, at, state, (state & ~STATE_MASK) | JobState.CLOSING) === state) return;
  }
}

export interface JobResult {
  /** The scalar result of a reduction (NaN for others). */
  result: number;
}

/** Reads the outcome, frees the slot and its scratch. Throws if the job failed or was aborted. */
function finishJob(ctx: JobContext, slot: number, spec: JobSpec, reason?: unknown, trap?: unknown): JobResult {
  const at = jobAddress(ctx.jobs, slot);
  const error = get(ctx, slot, J.ERROR);
  const aborted = get(ctx, slot, J.ABORT) !== 0;
  let result = NaN;
  try {
    if (!aborted) {
      guarded(ctx, () => ctx.exports.weft_finish(at));
      result = ctx.heap.dataView().getFloat64(at + OFF.RESULT, true);
    }
  } finally {
    releaseSlot(ctx.ctrl, ctx.heap, ctx.jobs, slot);
  }
  if (error === ERR_CRASH) throw new WorkerCrashedError();
  if (error !== 0) throw new KernelError(spec.name, trap);
  if (aborted) throw new AbortError(reason);
  return { result };
}

/** Frees a closed slot's scratch and hands the slot back. Also used by the host to reclaim a dead worker's slot. */
export function releaseSlot(ctrl: Int32Array, heap: Heap, jobs: number, slot: number): void {
  const at = jobAddress(jobs, slot);
  const dv = heap.dataView();
  const scratch = dv.getUint32(at + OFF.SCRATCH, true);
  if (scratch !== 0) heap.free(scratch, dv.getUint32(at + OFF.SCRATCH_BYTES, true), 8);
  heap.dataView().setUint32(at + OFF.SCRATCH, 0, true);
  Atomics.store(ctrl, jobWord(slot, J.STATE), JobState.FREE);
  Atomics.add(ctrl, H.SLOT_FREED, 1);
  Atomics.notify(ctrl, H.SLOT_FREED);
}

/**
 * How long a worker waiting between phases polls before it blocks (ms). Waking a blocked
 * thread took ~100 µs (median; p90 ~200 µs, tail > 1 ms) on the 2-vCPU machines weft is
 * measured on (docs/SCHEDULER.md, "Waiting between phases"), longer than most stragglers take
 * to finish their chunk. The poller holds a token, so polling never oversteps the budget.
 */
const SPIN_MS = 0.05;

/** Blocks a worker until `done()`, polling for SPIN_MS first. */
function waitSync(ctx: JobContext, slot: number, done: () => boolean): void {
  const at = jobWord(slot, J.PROGRESS);
  const spinUntil = performance.now() + SPIN_MS;
  for (;;) {
    const seen = Atomics.load(ctx.ctrl, at);
    if (done()) return;
    if (performance.now() < spinUntil) continue;
    Atomics.wait(ctx.ctrl, at, seen);
  }
}

async function waitAsync(ctrl: Int32Array, slot: number, done: () => boolean): Promise<void> {
  const at = jobWord(slot, J.PROGRESS);
  for (;;) {
    const seen = Atomics.load(ctrl, at);
    if (done()) return;
    const wait = Atomics.waitAsync(ctrl, at, seen);
    if (wait.async) await wait.value;
  }
}

/**
 * A kernel call made on a pool worker (inside a task): the worker opens the job in its own
 * slot, runs chunks itself alongside whichever workers join, then waits for the stragglers.
 * Synchronous: a worker may block, and the chunks it waits for are already running.
 */
export function runJobOnWorker(ctx: JobContext, spec: JobSpec): JobResult {
  const slot = workerSlot(ctx.worker);
  critical(ctx.ctrl, ctx.worker, () => {
    writeJob(ctx, slot, spec);
    openPhase(ctx, slot, 0, true);
  });
  const trap = driveOnWorker(ctx, slot);
  return critical(ctx.ctrl, ctx.worker, () => finishJob(ctx, slot, spec, undefined, trap));
}

/**
 * The phase loop on the worker that drives a job (its own kernel call, or a host call it took
 * over), starting as a participant of the open phase: run chunks, wait for the stragglers,
 * close the phase, open the next, until the last has closed or the job is aborted. Returns
 * this thread's trap, if any. Everything but the waits is a critical section: a worker that
 * outlives its termination must not touch the slot nor run wasm on its stack (critical.ts).
 */
function driveOnWorker(ctx: JobContext, slot: number): unknown {
  const inside = <T>(fn: () => T) => critical(ctx.ctrl, ctx.worker, fn);
  let trap: unknown;
  for (;;) {
    trap ??= runChunks(ctx, slot);
    leave(ctx, slot);
    waitSync(ctx, slot, () => isSettled(ctx, slot));
    inside(() => beginClosing(ctx.ctrl, slot));
    waitSync(ctx, slot, () => isEmpty(ctx, slot));
    const next = inside(() => openNextPhase(ctx, slot, true));
    trap ??= next.trap;
    if (!next.opened) return trap;
  }
}

/**
 * A kernel call made on the host (main thread): it never runs chunks and never blocks; it
 * opens the job, wakes idle workers, and awaits completion with `Atomics.waitAsync`.
 */
export async function runJobFromHost(ctx: JobContext, spec: JobSpec, signal?: AbortSignal): Promise<JobResult> {
  throwIfAborted(signal);
  const slot = await claimHostSlot(ctx.ctrl);
  try {
    writeJob(ctx, slot, spec);
  } catch (error) {
    releaseSlot(ctx.ctrl, ctx.heap, ctx.jobs, slot);
    throw error;
  }
  const onAbort = () => {
    set(ctx, slot, J.ABORT, 1);
    progressed(ctx.ctrl, slot);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const driver = jobWord(slot, J.DRIVER);
  let trap: unknown;
  try {
    openPhase(ctx, slot, 0, false);
    for (;;) {
      const who = Atomics.load(ctx.ctrl, driver);
      if (who === Driver.FINISHED) break;
      if (who !== Driver.NONE) {
        // A worker drives the phases. It reports only the end (or its death) on the DRIVER word
        // itself, so the page is not woken for every phase.
        const wait = Atomics.waitAsync(ctx.ctrl, driver, who);
        if (wait.async) await wait.value;
        continue;
      }
      // Nobody drives yet: the host closes the phase once it settles, unless a joining worker
      // takes the drive first.
      await waitAsync(ctx.ctrl, slot, () => Atomics.load(ctx.ctrl, driver) !== Driver.NONE || isSettled(ctx, slot));
      if (Atomics.compareExchange(ctx.ctrl, driver, Driver.NONE, Driver.HOST) !== Driver.NONE) continue;
      beginClosing(ctx.ctrl, slot);
      await waitAsync(ctx.ctrl, slot, () => isEmpty(ctx, slot));
      const next = openNextPhase(ctx, slot, false);
      trap ??= next.trap;
      if (!next.opened) break;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) set(ctx, slot, J.ABORT, 1);
  return finishJob(ctx, slot, spec, signal?.reason, trap);
}

async function claimHostSlot(ctrl: Int32Array): Promise<number> {
  for (;;) {
    const seen = Atomics.load(ctrl, H.SLOT_FREED);
    for (let slot = 0; slot < MAX_MAIN_JOBS; slot++) {
      if (Atomics.compareExchange(ctrl, jobWord(slot, J.STATE), JobState.FREE, JobState.FILLING) === JobState.FREE) {
        return slot;
      }
    }
    const wait = Atomics.waitAsync(ctrl, H.SLOT_FREED, seen);
    if (wait.async) await wait.value;
  }
}

/**
 * After helping with a phase of a kernel that has more, polls for SPIN_MS (with its token) for
 * the next phase to open: its driver opens it as soon as the stragglers are done, sooner than a
 * sleeping worker can be woken. True if it opened.
 */
function nextPhaseOpens(ctx: JobContext, slot: number, phase: number, phases: number): boolean {
  if (phase + 1 >= phases) return false;
  const id = get(ctx, slot, J.ID);
  const until = performance.now() + SPIN_MS;
  while (performance.now() < until) {
    if (get(ctx, slot, J.ID) !== id) return (get(ctx, slot, J.STATE) & STATE_MASK) === JobState.OPEN;
  }
  return false;
}

/**
 * A helper with no task of its own takes over the phase loop of a host job with phases left,
 * if nobody drives it yet: it can wait for the stragglers and open the next phase at once,
 * where the host would first need the page's event loop to wake it. Inside a critical section.
 */
function takeDrive(ctx: JobContext, slot: number, phase: number, phases: number): boolean {
  if (phase + 1 >= phases) return false;
  if (Atomics.compareExchange(ctx.ctrl, jobWord(slot, J.DRIVER), Driver.NONE, ctx.worker + 1) !== Driver.NONE) return false;
  Atomics.store(ctx.ctrl, workerWord(ctx.worker, W.DRIVING), slot + 1);
  return true;
}

/** The driver of a host job closed its last phase: hands the job back for `finishJob`. */
function handBack(ctx: JobContext, slot: number): void {
  Atomics.store(ctx.ctrl, workerWord(ctx.worker, W.DRIVING), 0);
  set(ctx, slot, J.DRIVER, Driver.FINISHED);
  Atomics.notify(ctx.ctrl, jobWord(slot, J.DRIVER));
}

/** The caller of a kernel a helper trapped in sees only "kernel failed"; the trap is reported here. */
function reportTrap(trap: unknown): void {
  if (trap !== undefined) console.error('weft: kernel trapped on a helping worker:', trap);
}

/**
 * An idle worker's turn: join every open job that still has unclaimed chunks and room, and
 * run chunks (staying for its next phase if that opens at once, or driving a host job's
 * phases). `hasToken` is true when this thread already holds a budget token (a task of its own
 * is suspended: it helps, but never drives, which would hold its task up for the whole job);
 * otherwise it takes one for the duration, or does nothing if the budget is spent. Returns
 * true if it ran anything.
 */
export function helpOpenJobs(ctx: JobContext, hasToken: boolean): boolean {
  const { ctrl } = ctx;
  let token = hasToken;
  let worked = false;
  for (let slot = 0; slot < MAX_JOBS; slot++) {
    const state = Atomics.load(ctrl, jobWord(slot, J.STATE));
    if ((state & STATE_MASK) !== JobState.OPEN) continue;
    if (participants(state) >= get(ctx, slot, J.MAX_PARTICIPANTS)) continue;
    if (get(ctx, slot, J.NEXT) >= get(ctx, slot, J.N_CHUNKS)) continue;
    if (!token) {
      token = critical(ctrl, ctx.worker, () => {
        if (!tryAcquire(ctrl)) return false;
        Atomics.store(ctrl, workerWord(ctx.worker, W.TOKEN), 1);
        return true;
      });
      if (!token) break;
    }
    while (tryJoin(ctx, slot)) {
      worked = true;
      // Stable while this thread is a participant: the phase cannot close without it.
      const { phase, phases } = phaseOf(ctx, slot);
      if (!hasToken && critical(ctrl, ctx.worker, () => takeDrive(ctx, slot, phase, phases))) {
        reportTrap(driveOnWorker(ctx, slot));
        critical(ctrl, ctx.worker, () => handBack(ctx, slot));
        break;
      }
      reportTrap(runChunks(ctx, slot));
      leave(ctx, slot);
      if (!nextPhaseOpens(ctx, slot, phase, phases)) break;
    }
  }
  if (token && !hasToken) {
    critical(ctrl, ctx.worker, () => {
      if (Atomics.exchange(ctrl, workerWord(ctx.worker, W.TOKEN), 0) === 1) release(ctrl);
    });
  }
  return worked;
}

/**
 * Host side, after a worker died: settle what its control record says it held, so no job
 * waits forever for it and no token stays taken. A worker that died inside a critical section
 * (it crashed; the host never terminates one there) may have left a chunk half done: that
 * job fails with WorkerCrashedError. One stopped at a safe point only stops taking part.
 * The slot it owned is reclaimed separately (`reclaimSlot`), before its replacement starts.
 */
export function settleDeadWorker(ctrl: Int32Array, worker: number, midChunk: boolean): void {
  const failIfMidChunk = (slot: number) => {
    if (!midChunk) return;
    Atomics.store(ctrl, jobWord(slot, J.ERROR), ERR_CRASH);
    Atomics.store(ctrl, jobWord(slot, J.ABORT), 1);
  };
  const joined = Atomics.exchange(ctrl, workerWord(worker, W.JOINED), 0);
  if (joined !== 0) {
    Atomics.sub(ctrl, jobWord(joined - 1, J.STATE), PARTICIPANT);
    failIfMidChunk(joined - 1);
    progressed(ctrl, joined - 1);
  }
  // A host job it was driving goes back to the host, which picks the phase loop up where it
  // stopped (the phase number and state are in the slot).
  const driving = Atomics.exchange(ctrl, workerWord(worker, W.DRIVING), 0);
  if (driving !== 0) {
    failIfMidChunk(driving - 1);
    Atomics.compareExchange(ctrl, jobWord(driving - 1, J.DRIVER), worker + 1, Driver.NONE);
    Atomics.notify(ctrl, jobWord(driving - 1, J.DRIVER));
    progressed(ctrl, driving - 1);
  }
  if (Atomics.exchange(ctrl, workerWord(worker, W.TOKEN), 0) === 1) release(ctrl);
}

/** Host side: aborts and frees the job a dead worker had opened, once nobody is inside it. */
export async function reclaimSlot(ctrl: Int32Array, heap: Heap, jobs: number, worker: number): Promise<void> {
  const slot = workerSlot(worker);
  const state = Atomics.load(ctrl, jobWord(slot, J.STATE)) & STATE_MASK;
  if (state === JobState.FREE) return;
  Atomics.store(ctrl, jobWord(slot, J.ABORT), 1);
  beginClosing(ctrl, slot);
  await waitAsync(ctrl, slot, () => participants(Atomics.load(ctrl, jobWord(slot, J.STATE))) === 0);
  releaseSlot(ctrl, heap, jobs, slot);
}
