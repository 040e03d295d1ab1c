/**
 * The pool worker's entry point. A worker runs three kinds of work, all on this one thread:
 * tasks the host sends (comlink `runTask`), chunks of kernels it helps with when idle (woken
 * through the control buffer, no messages), and in fallback mode the host's kernel calls.
 */
import * as Comlink from 'comlink';
import { crossOriginIsolated, parentEndpoint, platformName, portEndpoint } from '#platform';
import { budgetSnapshot } from './budget.js';
import { H, createControl, MAX_JOBS } from './control.js';
import { WeftArgumentError, throwIfAborted } from './errors.js';
import { Heap } from './heap.js';
import { JOB_BYTES, helpOpenJobs, runJobOnWorker, type JobContext } from './jobs.js';
import { executeInHeap, fromWire, type KernelArray, type KernelCall, type WireKernelCall } from './kernels/index.js';
import type { HostApi, ProgressSink, TaskRequest, WorkerApi, WorkerInit } from './protocol.js';
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
  private readonly modules = new Map<string, Promise<Record<string, unknown>>>();

  async init(init: WorkerInit): Promise<void> {
    this.index = init.index;
    this.mode = init.mode;
    this.simd = init.simd;
    this.host = Comlink.wrap<HostApi>(portEndpoint(init.host as never));
    if (init.mode === 'shared') {
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
      const previous = this.current;
      this.current = { threads: request.threads, composition: request.composition, progress };
      let pending: unknown;
      try {
        pending = fn(...request.args);
      } finally {
        this.current = previous;
      }
      return await pending;
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

  async submitTask(request: Omit<TaskRequest, 'id'>, options: ValidTaskOptions): Promise<unknown> {
    throwIfAborted(options.signal);
    const answer = await this.host.submitNested(this.index, request);
    if (answer.kind === 'done') return answer.value;
    // Caller-runs: no other worker was free, so this thread runs the nested task itself.
    try {
      return await this.runTask({ ...request, id: answer.id });
    } finally {
      if (this.mode === 'shared') Atomics.sub(this.ctx.ctrl, H.ACTIVE_TASKS, 1);
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

  alloc(length: number): Float32Array {
    return this.ctx.heap.allocArray(length);
  }

  free(array: Float32Array): boolean {
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
  runTask: (request, progress) => worker.runTask(request, progress),
  async runKernel(call: WireKernelCall) {
    const result = await worker.runKernel(fromWire(call), 1);
    return typeof result === 'number' ? result : Comlink.transfer(result, [result.buffer]);
  },
};
installWorkerRuntime(() => worker.runtime());
Comlink.expose(api, parentEndpoint());
