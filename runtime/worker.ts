/**
 * The pool worker's entry point. A worker runs three kinds of work, all on this one thread:
 * tasks the host sends (comlink `runTask`), chunks of kernels it helps with when idle (woken
 * through the control buffer, no messages), and in fallback mode the host's kernel calls.
 */
import * as Comlink from 'comlink';
import { crossOriginIsolated, parentEndpoint, platformName, portEndpoint } from '#platform';
import { budgetSnapshot } from './budget.js';
import { adoptIncarnation } from './critical.js';
import { H, createControl, MAX_JOBS } from './control.js';
import { AbortError, TaskError, WeftArgumentError, WeftError, reviveError, serializeError, throwIfAborted } from './errors.js';
import { abandonable, assertNever } from './settle.js';
import { Heap } from './heap.js';
import { JOB_BYTES, helpOpenJobs, runJobOnWorker, type JobContext } from './jobs.js';
import { executeInHeap, fromWire, type KernelArray, type KernelArrayType, type KernelCall, type WireKernelCall, type ArrayOf } from './kernels/index.js';
import type { HostApi, NestedAnswer, NestedRequest, ProgressSink, TaskRequest, WorkerApi, WorkerInit } from './protocol.js';
import { Runtime, type Backend, type ValidTaskOptions } from './runtime.js';
import type { SimdLevel } from './wasm.js';
import { SpanKind, TraceWriter } from './trace.js';
import { installWorkerRuntime } from './registry.js';
import { instantiateFirst, instantiateThread } from './wasm.js';

/** The task whose synchronous part is running right now (see `getRuntime`). */
interface TaskContext {
  threads: number;
  composition: TaskRequest['composition'];
  progress?: ProgressSink;
}

class PoolWorker implements Backend {
  readonly inTask = true;
  closed = false;
  budget = 1;
  composition: TaskRequest['composition'] = 'dynamic';
  private ctx!: JobContext;
  private host!: Comlink.Remote<HostApi>;
  private index = 0;
  private simd: SimdLevel = 'simd128';
  private mode: WorkerInit['mode'] = 'shared';
  /** Tasks started on this thread and not yet settled. While > 0 the host holds our token. */
  private running = 0;
  private current: TaskContext | null = null;
  /** Source of keys for nested tasks this worker submits. */
  private nextKey = 0;
  /** Nested tasks running inline on this thread. */
  private readonly inline = new Set<Promise<unknown>>();
  private readonly modules = new Map<string, Promise<Record<string, unknown>>>();

  async init(init: WorkerInit): Promise<void> {
    this.index = init.index;
    this.mode = init.mode;
    this.simd = init.simd;
    this.host = Comlink.wrap<HostApi>(portEndpoint(init.host as never));
    if (init.mode === 'shared') {
      adoptIncarnation(init.ctrl, init.index);
      const exports = instantiateThread(init.module, init.memory, init.thread);
      this.ctx = {
        ctrl: init.ctrl,
        exports,
        heap: new Heap(init.memory, exports, init.ctrl, init.index),
        jobs: init.jobs,
        worker: init.index,
        trace: new TraceWriter(init.trace, init.index),
        stackTop: init.thread.stackTop,
      };
      this.budget = Atomics.load(init.ctrl, H.BUDGET);
      void this.idleLoop();
    } else {
      // Fallback: this worker is alone, with a memory of its own that nobody else sees.
      const memory = new WebAssembly.Memory({ ...init.memoryPages, shared: true });
      const exports = instantiateFirst(init.module, memory);
      const ctrl = createControl(false, 1);
      const heap = new Heap(memory, exports, ctrl, init.index);
      const stackTop = exports.__stack_pointer.value as number;
      this.ctx = { ctrl, exports, heap, jobs: heap.alloc(MAX_JOBS * JOB_BYTES, 8), worker: init.index, trace: null, stackTop };
    }
  }

  /**
   * Idle workers wait on the EPOCH word without blocking (`waitAsync`), so task messages still
   * arrive; when woken they help every open job they can, then wait again.
   */
  private async idleLoop(): Promise<void> {
    const { ctrl } = this.ctx;
    while (!this.closed) {
      const epoch = Atomics.load(ctrl, H.EPOCH);
      helpOpenJobs(this.ctx, this.running > 0);
      // Re-read after helping: a job opened (or a token freed) meanwhile is not missed,
      // because its publisher bumped EPOCH before notifying.
      const wait = Atomics.waitAsync(ctrl, H.EPOCH, epoch);
      if (wait.async) await wait.value;
    }
  }

  async runTask(request: TaskRequest, progress?: ProgressSink): Promise<unknown> {
    this.running++;
    const span = this.ctx.trace && Atomics.load(this.ctx.ctrl, H.TRACE_ON) ? this.ctx.trace.begin(SpanKind.TASK, request.id, request.id, 0) : -1;
    try {
      const module = await this.load(request.url);
      const fn = module[request.name];
      if (typeof fn !== 'function') {
        throw new WeftArgumentError('task', `a function exported as "${request.name}" by ${request.url}`, fn);
      }
      // Progress reports are awaited before the result is returned, so the caller has every
      // value by the time the task resolves (they travel on another port than the result).
      const delivered: unknown[] = [];
      const report = progress && ((value: unknown) => void delivered.push(progress(value)));
      const previous = this.current;
      this.current = { threads: request.threads, composition: request.composition, progress: report };
      let pending: unknown;
      try {
        pending = fn(...request.args);
      } finally {
        this.current = previous;
      }
      const result = await pending;
      await Promise.all(delivered);
      return result;
    } finally {
      if (span >= 0) this.ctx.trace!.end(span);
      this.running--;
    }
  }

  private load(url: string): Promise<Record<string, unknown>> {
    let module = this.modules.get(url);
    if (!module) {
      module = import(/* @vite-ignore */ /* webpackIgnore: true */ url) as Promise<Record<string, unknown>>;
      this.modules.set(url, module);
      module.catch(() => this.modules.delete(url));
    }
    return module;
  }

  // --- Backend: the runtime API as seen from inside a task ---

  runKernel(call: KernelCall, threads: number): Promise<KernelArray | number> {
    throwIfAborted(call.signal);
    return executeInHeap(this.ctx.heap, call, threads, (spec) => runJobOnWorker(this.ctx, spec));
  }

  /**
   * A task submitted from inside a task. The host sends it to a free worker, or answers
   * 'inline' and this thread runs it itself (caller-runs). Abort and timeout work either way:
   * a remote one is aborted by the host; an inline one cannot be stopped without stopping its
   * caller too, so it is abandoned (its promise rejects at once, its result is dropped).
   */
  async submitTask(request: Omit<TaskRequest, 'id'>, options: ValidTaskOptions): Promise<unknown> {
    throwIfAborted(options.signal);
    const key = `${this.index}:${this.nextKey++}`;
    const nested: NestedRequest = { ...request, key, timeout: options.timeout, transfer: options.transfer };
    const message = options.transfer?.length ? Comlink.transfer(nested, options.transfer as Transferable[]) : nested;
    const progress = options.onProgress ? Comlink.proxy(options.onProgress) : undefined;
    const onAbort = () => void this.host.abortNested(key);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    let answer: NestedAnswer;
    try {
      answer = await this.host.submitNested(this.index, message, progress);
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    switch (answer.kind) {
      case 'done':
        return answer.value;
      case 'error':
        throw reviveError(answer.error);
      case 'inline':
        // The arguments come back with the answer: transferred ones were moved to the host.
        return this.runInline({ ...request, args: answer.args, id: answer.id }, options);
      default:
        return assertNever(answer);
    }
  }

  private runInline(request: TaskRequest, options: ValidTaskOptions): Promise<unknown> {
    if (options.signal?.aborted) {
      // Aborted while the host was answering: the host already counts it as running here (and
      // ignored the abort it received after answering), so hand it back without starting it.
      void this.host.inlineDone(this.index, request.id);
      return Promise.reject(new AbortError(options.signal.reason));
    }
    const name = `${request.url.split('/').pop()}#${request.name}`;
    const run = this.runTask(request, options.onProgress)
      .catch((error) => {
        throw error instanceof WeftError ? error : new TaskError(name, serializeError(error));
      })
      .finally(() => {
        this.inline.delete(run);
        void this.host.inlineDone(this.index, request.id);
      });
    this.inline.add(run);
    return abandonable(run, options.signal, options.timeout);
  }

  /**
   * Runs a task the host dispatched here. It reports completion only once every nested task
   * it ran inline has finished too, abandoned ones included: until then they still occupy this
   * thread, and the host's token for the task is what keeps them within the budget.
   */
  async runHostTask(request: TaskRequest, progress?: ProgressSink): Promise<unknown> {
    try {
      return await this.runTask(request, progress);
    } finally {
      while (this.inline.size > 0) await Promise.allSettled([...this.inline]);
    }
  }

  info() {
    return {
      ...budgetSnapshot(this.ctx.ctrl),
      mode: this.mode,
      crossOriginIsolated: crossOriginIsolated(),
      simd: this.simd,
      memoryBytes: this.ctx.heap.byteLength,
      queued: 0,
      platform: platformName,
    };
  }

  alloc<T extends KernelArrayType>(type: T, length: number): ArrayOf<T> {
    return this.ctx.heap.allocArray(type, length);
  }

  free(array: KernelArray): boolean {
    return this.ctx.heap.freeArray(array);
  }

  activeTasks(): number {
    return Atomics.load(this.ctx.ctrl, H.ACTIVE_TASKS);
  }

  /** The runtime view for the task whose synchronous part is running now. */
  runtime(): Runtime {
    const task = this.current;
    return new Runtime(this, task?.threads ?? this.budget, task?.composition ?? this.composition, task?.progress);
  }
}

const worker = new PoolWorker();
const api: WorkerApi = {
  init: (init) => worker.init(init),
  runTask: (request, progress) => worker.runHostTask(request, progress),
  async runKernel(call: WireKernelCall) {
    const result = await worker.runKernel(fromWire(call), 1);
    return typeof result === 'number' ? result : Comlink.transfer(result, [result.buffer]);
  },
};
installWorkerRuntime(() => worker.runtime());
Comlink.expose(api, parentEndpoint());
