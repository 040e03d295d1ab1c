/**
 * The pool: the budget's workers, the shared memory they all instantiate the kernels
 * against, the task queue, leases and the trace. One pool per page (shared by every runtime
 * that is not `isolated`), created by the first `createRuntime`.
 */
import * as Comlink from 'comlink';
import { createChannel, crossOriginIsolated, platformName, portEndpoint, spawnWorker, type SpawnedWorker } from '#platform';
import { acquireWhenFree, budgetSnapshot, release, tryAcquire, usedChanged } from './budget.js';
import { H, MAX_JOBS, W, createControl, workerWord } from './control.js';
import { diedInside, nextIncarnation, stopAtSafePoint } from './critical.js';
import { AbortError, QueueFullError, TaskError, TimeoutError, WorkerCrashedError, serializeError, throwIfAborted } from './errors.js';
import { Heap } from './heap.js';
import { JOB_BYTES, reclaimSlot, runJobFromHost, settleDeadWorker, type JobContext } from './jobs.js';
import { executeInHeap, kernelName, toWire, type KernelArray, type KernelArrayType, type KernelCall, type ArrayOf } from './kernels/index.js';
import type { HostApi, NestedAnswer, NestedRequest, ProgressSink, TaskRequest, WorkerApi, WorkerInit } from './protocol.js';
import type { Lease, RuntimeInfo, TraceControl, ValidTaskOptions } from './runtime.js';
import {
  SpanKind,
  TraceWriter,
  checkBudget,
  closeOpenSpans,
  createTraceBuffers,
  exportTrace,
  now,
  type LeaseSpan,
  type TraceBuffers,
} from './trace.js';
import {
  THREAD_STACK_BYTES,
  compileKernels,
  instantiateFirst,
  type CompiledKernels,
  type SimdLevel,
  type ThreadMemory,
} from './wasm.js';

/** How long a new worker may take to initialise before start-up is declared failed. */
const STARTUP_MS = 30_000;
/** How long a worker that reported a crash gets to park at a safe point, if it is still alive. */
const CRASH_PARK_MS = 1_000;

/** A task from submission to settlement. */
interface Task {
  request: TaskRequest;
  options: ValidTaskOptions;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  worker?: PoolSlot;
  settled: boolean;
  timer?: ReturnType<typeof setTimeout>;
  onAbort?: () => void;
  /** Counted against this client's maxQueue while waiting. */
  client: { queued: number };
  /** For a nested task sent to another worker: the worker of the task that submitted it. */
  parent?: PoolSlot;
}

/** One place in the pool; its worker may be replaced, the index stays. */
interface PoolSlot {
  index: number;
  api: Comlink.Remote<WorkerApi>;
  spawned: SpawnedWorker;
  /** False from the moment it is being replaced (or failed to start). */
  alive: boolean;
  ready: boolean;
  /** The host-dispatched task running on it (nested inline tasks are not counted here). */
  task: Task | null;
  /** Ids of nested tasks it runs inline, counted in ACTIVE_TASKS until they finish. */
  inline: Set<number>;
  /** Fallback mode: kernel calls sent to it and not yet answered, re-sent if it dies. */
  pendingKernels: Set<PendingKernel>;
  thread?: ThreadMemory;
  /** The host's end of this worker's channel for nested tasks (closed when it is replaced). */
  hostPort?: MessagePort;
}

interface PendingKernel {
  call: KernelCall;
  resolve(value: KernelArray | number): void;
  reject(error: unknown): void;
}

export class Pool {
  readonly mode: 'shared' | 'fallback';
  readonly budget: number;
  readonly ctrl: Int32Array;
  private readonly trace: TraceBuffers;
  private readonly slots: PoolSlot[] = [];
  private readonly queue: Task[] = [];
  private nextTaskId = 1;
  private readonly taskNames = new Map<number, string>();
  private leases: LeaseSpan[] = [];
  /** When workers were terminated, by index (for the trace: see exportTrace). */
  private readonly deaths = new Map<number, number[]>();
  private pendingLeases = 0;
  private tokenWait: Promise<unknown> | null = null;
  private traceSince = 0;
  /** Host-side writer for fallback mode, where the worker's own records are out of reach. */
  private readonly hostTrace: TraceWriter | null;
  private closing = false;
  /** Workers still starting up: `close()` fails them instead of waiting. */
  private readonly startups = new Set<(error: unknown) => void>();
  refs = 0;

  private constructor(
    private readonly kernels: CompiledKernels,
    budget: number,
    private readonly memory: WebAssembly.Memory | null,
    /** Host-side job context (shared mode): the host's own instance, heap and job table. */
    private readonly host: JobContext | null,
  ) {
    this.mode = memory ? 'shared' : 'fallback';
    this.budget = budget;
    this.ctrl = host ? host.ctrl : createControl(false, budget);
    this.trace = createTraceBuffers(this.mode === 'shared');
    this.hostTrace = host ? null : new TraceWriter(this.trace, 0);
  }

  static async create(threads: number, shared: boolean, simd?: SimdLevel): Promise<Pool> {
    const kernels = await compileKernels(simd);
    let pool: Pool;
    if (shared) {
      const memory = new WebAssembly.Memory({ ...kernels.memory, shared: true });
      const exports = instantiateFirst(kernels.module, memory);
      if (exports.weft_job_size() !== JOB_BYTES) throw new Error('weft: Job struct layout does not match the runtime');
      const ctrl = createControl(true, threads);
      const heap = new Heap(memory, exports, ctrl, -1);
      const jobs = heap.alloc(MAX_JOBS * JOB_BYTES, 8);
      const stackTop = exports.__stack_pointer.value as number;
      pool = new Pool(kernels, threads, memory, { ctrl, exports, heap, jobs, worker: -1, trace: null, stackTop });
    } else {
      pool = new Pool(kernels, 1, null, null);
    }
    try {
      await Promise.all(Array.from({ length: pool.budget }, (_, i) => pool.startWorker(i)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  get simd() {
    return this.kernels.simd;
  }

  // --- workers ---

  /**
   * Spawns the worker for `index` and waits until it is initialised. Rejects if it dies or
   * stays silent before that (a worker script that cannot load, blocked by COEP, ...), so
   * start-up fails loudly instead of respawning forever.
   */
  private async startWorker(index: number): Promise<void> {
    const spawned = spawnWorker(`weft-${index}`);
    const api = Comlink.wrap<WorkerApi>(spawned.endpoint);
    const slot: PoolSlot = this.slots[index] ?? { index, api, spawned, alive: true, ready: false, task: null, inline: new Set(), pendingKernels: new Set() };
    Object.assign(slot, { api, spawned, alive: true, ready: false, task: null });
    this.slots[index] = slot;
    let failStartup!: (error: unknown) => void;
    const startupFailed = new Promise<never>((_, reject) => (failStartup = reject));
    spawned.onCrash((error) => {
      if (slot.ready) void this.replace(slot, spawned, new WorkerCrashedError(error), true);
      else failStartup(new WorkerCrashedError(error));
    });
    const timer = setTimeout(() => failStartup(new WorkerCrashedError(new Error(`worker ${index} did not start within ${STARTUP_MS} ms`))), STARTUP_MS);
    this.startups.add(failStartup);
    const channel = createChannel();
    slot.hostPort = channel.port1 as MessagePort;
    Comlink.expose(this.hostApi, portEndpoint(channel.port1 as never));
    try {
      await Promise.race([
        api.init(Comlink.transfer(this.initFor(slot, channel.port2 as MessagePort), [channel.port2 as MessagePort])),
        startupFailed,
      ]);
    } catch (error) {
      slot.alive = false;
      await spawned.terminate();
      throw error;
    } finally {
      clearTimeout(timer);
      this.startups.delete(failStartup);
    }
    slot.ready = true;
    for (const pending of slot.pendingKernels) this.sendKernel(slot, pending);
    this.pump();
  }

  private initFor(slot: PoolSlot, host: MessagePort): WorkerInit {
    const common = { index: slot.index, module: this.kernels.module, simd: this.kernels.simd, host };
    if (!this.host || !this.memory) return { ...common, mode: 'fallback', memoryPages: this.kernels.memory };
    if (!slot.thread) {
      // Carved once per index and reused by replacements: the thread that used it is dead.
      const heap = this.host.heap;
      const exports = this.host.exports;
      const stack = heap.alloc(THREAD_STACK_BYTES, 16);
      const tls = heap.alloc(Math.max(1, exports.__tls_size.value as number), Math.max(1, exports.__tls_align.value as number));
      slot.thread = { stackTop: stack + THREAD_STACK_BYTES, tls };
    }
    return { ...common, mode: 'shared', memory: this.memory, thread: slot.thread, ctrl: this.ctrl, trace: this.trace, jobs: this.host.jobs };
  }

  /**
   * Terminates a worker (it crashed, or its task was aborted) and starts another at the same
   * index. Everything the dead worker held is settled first, so nothing waits for it.
   */
  private async replace(slot: PoolSlot, spawned: SpawnedWorker, reason: unknown, crashed: boolean): Promise<void> {
    if (slot.spawned !== spawned || !slot.alive) return; // already being replaced
    slot.alive = false;
    slot.ready = false;
    // Its requests are no longer answered: the thread may run on for a while after terminate().
    slot.hostPort?.close();
    if (slot.task) this.settle(slot.task, false, reason);
    // Nested tasks it sent to other workers lose their parent: abort them too.
    for (const child of this.running().filter((t) => t.parent === slot)) this.abort(child, new AbortError(reason));
    let midChunk = false;
    if (this.host) {
      // Never cut a worker off inside the allocator, a chunk or its bookkeeping (critical.ts).
      // A "crashed" browser worker may still be running (an uncaught error does not stop it),
      // so it too is asked to park; one that is really dead never answers.
      const parked = await stopAtSafePoint(this.ctrl, slot.index, crashed ? CRASH_PARK_MS : Infinity);
      midChunk = !parked && diedInside(this.ctrl, slot.index);
    }
    await spawned.terminate();
    const deadAt = now();
    // Its spans end where its thread did, before its tokens can be reused by others.
    closeOpenSpans(this.trace, slot.index, deadAt);
    this.deaths.set(slot.index, [...(this.deaths.get(slot.index) ?? []), deadAt]);
    const task = slot.task;
    slot.task = null;
    if (task) this.releaseTaskToken();
    for (const _ of slot.inline) Atomics.sub(this.ctrl, H.ACTIVE_TASKS, 1);
    slot.inline.clear();
    if (this.host) {
      settleDeadWorker(this.ctrl, slot.index, midChunk);
      await reclaimSlot(this.ctrl, this.host.heap, this.host.jobs, slot.index);
      nextIncarnation(this.ctrl, slot.index);
    }
    if (this.closing) return;
    try {
      await this.startWorker(slot.index);
    } catch (error) {
      if (this.closing) return;
      // The pool runs on with one worker fewer; if none is left, queued work cannot run.
      console.error(`weft: could not replace worker ${slot.index}:`, error);
      if (!this.slots.some((s) => s.alive)) {
        for (const queued of this.queue.splice(0)) this.settle(queued, false, error);
      }
    }
  }

  private running(): Task[] {
    return this.slots.flatMap((s) => (s.task ? [s.task] : [])).concat(this.queue);
  }

  private readonly hostApi: HostApi = {
    submitNested: (from, request, progress) => this.submitNested(from, request, progress),
    abortNested: (key) => {
      const task = this.nested.get(key);
      if (task) this.abort(task, new AbortError('aborted by its caller'));
    },
    inlineDone: (from, id) => {
      if (this.slots[from]?.inline.delete(id)) Atomics.sub(this.ctrl, H.ACTIVE_TASKS, 1);
    },
  };

  /** Nested tasks sent to other workers, by the key their caller can abort them with. */
  private readonly nested = new Map<string, Task>();

  // --- tasks ---

  submit(request: Omit<TaskRequest, 'id'>, options: ValidTaskOptions, client: { queued: number; maxQueue: number }): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(new AbortError(options.signal.reason));
      const task: Task = { request: this.register(request), options, resolve, reject, settled: false, client };
      if (options.signal) {
        task.onAbort = () => this.abort(task, new AbortError(options.signal!.reason));
        options.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      if (options.timeout !== undefined) {
        const ms = options.timeout;
        task.timer = setTimeout(() => this.abort(task, new TimeoutError(ms)), ms);
      }
      client.queued++;
      this.queue.push(task);
      this.pump();
      // Only tasks left waiting count against maxQueue (so maxQueue 0 means "run now or refuse").
      if (client.queued > client.maxQueue && this.queue.includes(task)) {
        this.queue.splice(this.queue.indexOf(task), 1);
        client.queued--;
        this.settle(task, false, new QueueFullError(client.maxQueue));
      }
    });
  }

  private register(request: Omit<TaskRequest, 'id'>): TaskRequest {
    const id = this.nextTaskId++;
    this.taskNames.set(id, `${request.url.split('/').pop()}#${request.name}`);
    return { ...request, id };
  }

  /** Starts queued tasks while a worker is free and the budget has a token for it. */
  private pump(): void {
    while (this.queue.length > 0 && this.pendingLeases === 0 && !this.closing) {
      const slot = this.freeSlot();
      if (!slot) return;
      if (!tryAcquire(this.ctrl)) {
        this.waitForToken();
        return;
      }
      const task = this.queue.shift()!;
      task.client.queued--;
      this.start(slot, task);
    }
  }

  /**
   * A ready worker without a task, preferably one that is not helping a kernel either. A helper
   * reads its messages only when it leaves the job (the one driving a page kernel's phases,
   * when the whole kernel is done), so a task given to it would wait that long while another
   * worker idles. Whenever a token is free, some worker is neither helping nor running a task
   * (each of those holds a token of its own), so the helper is taken only while a worker is
   * being replaced.
   */
  private freeSlot(): PoolSlot | undefined {
    let helping: PoolSlot | undefined;
    for (const slot of this.slots) {
      if (!slot?.ready || slot.task) continue;
      if (Atomics.load(this.ctrl, workerWord(slot.index, W.TOKEN)) === 0) return slot;
      helping ??= slot;
    }
    return helping;
  }

  private waitForToken(): void {
    if (this.tokenWait) return;
    this.tokenWait = usedChanged(this.ctrl, Atomics.load(this.ctrl, H.USED)).then(() => {
      this.tokenWait = null;
      this.pump();
    });
  }

  /** Runs `task` on `slot`, whose token the caller has already taken. */
  private start(slot: PoolSlot, task: Task): void {
    slot.task = task;
    task.worker = slot;
    Atomics.add(this.ctrl, H.ACTIVE_TASKS, 1);
    const span = this.hostTrace && Atomics.load(this.ctrl, H.TRACE_ON) ? this.hostTrace.begin(SpanKind.TASK, task.request.id, task.request.id, 0) : -1;
    const { onProgress, transfer } = task.options;
    const request = transfer?.length ? Comlink.transfer(task.request, transfer as Transferable[]) : task.request;
    slot.api.runTask(request, onProgress ? Comlink.proxy(onProgress) : undefined).then(
      (value) => this.finish(slot, task, true, value, span),
      (error) => this.finish(slot, task, false, new TaskError(this.taskNames.get(task.request.id) ?? 'task', error), span),
    );
  }

  private finish(slot: PoolSlot, task: Task, ok: boolean, value: unknown, span: number): void {
    if (span >= 0) this.hostTrace!.end(span);
    if (slot.task !== task) return; // it was aborted and its worker replaced
    slot.task = null;
    this.releaseTaskToken();
    this.settle(task, ok, value);
    this.pump();
  }

  private releaseTaskToken(): void {
    Atomics.sub(this.ctrl, H.ACTIVE_TASKS, 1);
    release(this.ctrl);
  }

  private settle(task: Task, ok: boolean, value: unknown): void {
    if (task.settled) return;
    task.settled = true;
    if (task.timer !== undefined) clearTimeout(task.timer);
    if (task.onAbort) task.options.signal?.removeEventListener('abort', task.onAbort);
    if (ok) task.resolve(value);
    else task.reject(value);
  }

  /** A queued task is dropped; a running one's worker is terminated and replaced. */
  private abort(task: Task, reason: unknown): void {
    if (task.settled) return;
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      task.client.queued--;
      this.settle(task, false, reason);
    } else if (task.worker) {
      void this.replace(task.worker, task.worker.spawned, reason, false);
    }
  }

  /**
   * A task submitted from a task: to a free worker if one and a token can be had right now,
   * else back to the caller to run inline. Failures come back as values, so the caller can
   * rebuild the WeftError with its code (comlink carries only an error's name and message).
   */
  private async submitNested(from: number, request: NestedRequest, progress?: ProgressSink): Promise<NestedAnswer> {
    const { key, timeout, transfer, ...rest } = request;
    const slot = this.closing ? undefined : this.freeSlot();
    if (slot && this.pendingLeases === 0 && tryAcquire(this.ctrl)) {
      try {
        const value = await new Promise((resolve, reject) => {
          const task: Task = {
            request: this.register(rest),
            options: { onProgress: progress, timeout, transfer },
            resolve,
            reject,
            settled: false,
            client: { queued: 0 },
            parent: this.slots[from],
          };
          this.nested.set(key, task);
          if (timeout !== undefined) task.timer = setTimeout(() => this.abort(task, new TimeoutError(timeout)), timeout);
          this.start(slot, task);
        });
        return { kind: 'done', value };
      } catch (error) {
        return { kind: 'error', error: serializeError(error) };
      } finally {
        this.nested.delete(key);
      }
    }
    const { id } = this.register(rest);
    Atomics.add(this.ctrl, H.ACTIVE_TASKS, 1);
    this.slots[from]?.inline.add(id);
    const answer: NestedAnswer = { kind: 'inline', id, args: rest.args };
    return transfer?.length ? Comlink.transfer(answer, transfer as Transferable[]) : answer;
  }

  // --- kernels called on the host ---

  runKernel(call: KernelCall, threads: number): Promise<KernelArray | number> {
    if (this.host) {
      const host = this.host;
      return executeInHeap(host.heap, call, threads, (spec) => runJobFromHost(host, spec, call.signal));
    }
    return this.runKernelRemote(call);
  }

  /**
   * Fallback: the call (copied) goes to the one worker; re-sent if that worker dies first. It
   * holds a budget token while it runs, like a task, so leases are honoured here too.
   */
  private async runKernelRemote(call: KernelCall): Promise<KernelArray | number> {
    throwIfAborted(call.signal);
    await acquireWhenFree(this.ctrl, 1, call.signal);
    try {
      return await this.sendToFallbackWorker(call);
    } finally {
      release(this.ctrl);
      this.pump();
    }
  }

  private sendToFallbackWorker(call: KernelCall): Promise<KernelArray | number> {
    return new Promise((resolve, reject) => {
      const slot = this.slots[0];
      const pending: PendingKernel = { call, resolve, reject };
      // Aborting cannot reach into the worker without shared memory: the call is abandoned
      // (rejected now) and its result, when it comes, discarded.
      call.signal?.addEventListener('abort', () => {
        slot.pendingKernels.delete(pending);
        reject(new AbortError(call.signal!.reason));
      });
      slot.pendingKernels.add(pending);
      if (slot.ready) this.sendKernel(slot, pending);
    });
  }

  private sendKernel(slot: PoolSlot, pending: PendingKernel): void {
    const wire = toWire(pending.call);
    const { out } = pending.call;
    const spawned = slot.spawned;
    const span = this.hostTrace && Atomics.load(this.ctrl, H.TRACE_ON) ? this.hostTrace.begin(SpanKind.CHUNK, wire.kernel, 0, 0) : -1;
    slot.api.runKernel(wire).then(
      (result) => {
        if (span >= 0) this.hostTrace!.end(span);
        if (slot.spawned !== spawned || !slot.pendingKernels.delete(pending)) return;
        if (out && typeof result !== 'number') {
          out.set(result as never);
          pending.resolve(out);
        } else pending.resolve(result);
      },
      (error) => {
        if (span >= 0) this.hostTrace!.end(span);
        if (slot.spawned !== spawned || !slot.pendingKernels.delete(pending)) return;
        pending.reject(error);
      },
    );
  }

  // --- heap arrays ---

  alloc<T extends KernelArrayType>(type: T, length: number): ArrayOf<T> {
    return this.host ? this.host.heap.allocArray(type, length) : (new type(length) as ArrayOf<T>);
  }

  free(array: KernelArray): boolean {
    return this.host ? this.host.heap.freeArray(array) : false;
  }

  // --- leases ---

  async lease(threads: number, signal?: AbortSignal): Promise<Lease> {
    this.pendingLeases++;
    try {
      await acquireWhenFree(this.ctrl, threads, signal);
    } finally {
      this.pendingLeases--;
    }
    Atomics.add(this.ctrl, H.LEASED, threads);
    const span: LeaseSpan = { threads, start: now(), end: 0 };
    this.leases.push(span);
    let released = false;
    return {
      threads,
      release: () => {
        if (released) return;
        released = true;
        span.end = now();
        Atomics.sub(this.ctrl, H.LEASED, threads);
        release(this.ctrl, threads);
        this.pump();
      },
    };
  }

  // --- introspection ---

  info(): Omit<RuntimeInfo, 'limit' | 'composition'> {
    return {
      ...budgetSnapshot(this.ctrl),
      mode: this.mode,
      crossOriginIsolated: crossOriginIsolated(),
      simd: this.kernels.simd,
      memoryBytes: this.memory ? this.memory.buffer.byteLength : 0,
      queued: this.queue.length,
      platform: platformName,
    };
  }

  readonly traceControl: TraceControl = {
    start: () => {
      this.traceSince = now();
      this.leases = this.leases.filter((l) => l.end === 0);
      Atomics.store(this.ctrl, H.TRACE_ON, 1);
    },
    stop: () => {
      Atomics.store(this.ctrl, H.TRACE_ON, 0);
    },
    export: () =>
      exportTrace(
        this.trace,
        this.slots.map((s) => s.index),
        this.leases,
        this.budget,
        { kernel: kernelName, task: (id) => this.taskNames.get(id) ?? `task ${id}` },
        this.traceSince,
        this.deaths,
      ),
    check: (trace) => checkBudget(trace ?? this.traceControl.export(), this.budget),
  };

  // --- shutdown ---

  async close(): Promise<void> {
    this.closing = true;
    for (const fail of this.startups) fail(new AbortError('runtime closed'));
    for (const task of this.queue.splice(0)) this.settle(task, false, new AbortError('runtime closed'));
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.task) this.settle(slot.task, false, new AbortError('runtime closed'));
        for (const pending of slot.pendingKernels) pending.reject(new AbortError('runtime closed'));
        slot.ready = false;
        await slot.spawned.terminate();
      }),
    );
    Atomics.store(this.ctrl, H.EPOCH, -1);
  }
}
