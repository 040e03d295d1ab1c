/**
 * The public `Runtime`: one class for every thread. What differs between the host (the page
 * or Node main thread) and a pool worker (inside a task) is the `Backend` behind it; a
 * Runtime object itself is a *view* carrying the limits in force (`rt.limit()` makes a new
 * view), so limits nest by construction and stay correct across `await`.
 */
import { resolveModuleUrl } from '#platform';
import { RuntimeClosedError, WeftArgumentError } from './errors.js';
import { ARRAY_TYPES, kernelBuilders, type KernelApi, type KernelArray, type KernelArrayType, type KernelCall, type ArrayOf } from './kernels/index.js';
import { composition as validComposition, duration, object, signal, threads as validThreads, type Composition } from './options.js';
import type { TaskRequest } from './protocol.js';
import type { BudgetReport, ChromeTrace } from './trace.js';
import type { SimdLevel } from './wasm.js';

export interface RuntimeInfo {
  /** The budget: the most threads weft keeps busy at once (leases included). */
  threads: number;
  /** 'shared': shared-memory threads. 'fallback': not cross-origin isolated, one worker, copies. */
  mode: 'shared' | 'fallback';
  crossOriginIsolated: boolean;
  simd: SimdLevel;
  /** Current size of the shared heap in bytes (0 in fallback mode: the heap lives in the worker). */
  memoryBytes: number;
  composition: Composition;
  /** The thread cap of this view (`rt.limit()`); equals `threads` on an unlimited view. */
  limit: number;
  /** Pool threads running weft work right now. */
  busy: number;
  /** Pool threads free to take work (budget minus busy minus leased). */
  idle: number;
  /** Tasks waiting for a worker. */
  queued: number;
  /** Threads lent out through `rt.lease()`. */
  leased: number;
  /** Tasks running right now. */
  tasks: number;
  platform: 'browser' | 'node';
}

export interface TaskOptions {
  signal?: AbortSignal;
  /** Milliseconds; on expiry the task is aborted and rejects with TimeoutError. */
  timeout?: number;
  /** Objects to transfer (not copy) to the worker, e.g. ArrayBuffers among the arguments. */
  transfer?: readonly object[];
  /** Receives whatever the task passes to `getRuntime().progress(value)`. */
  onProgress?: (value: unknown) => void;
}

export interface Lease {
  /** Threads reserved: give this number to the foreign library (e.g. ORT's numThreads). */
  readonly threads: number;
  /** Returns the threads to weft. Idempotent. */
  release(): void;
}

/** What a view needs from the thread it runs on. */
export interface Backend {
  readonly budget: number;
  readonly composition: Composition;
  /** True on a pool worker (inside a task), where static composition applies. */
  readonly inTask: boolean;
  closed: boolean;
  info(): Omit<RuntimeInfo, 'limit' | 'composition'>;
  runKernel(call: KernelCall, threads: number): Promise<KernelArray | number>;
  submitTask(request: Omit<TaskRequest, 'id'>, options: ValidTaskOptions): Promise<unknown>;
  alloc<T extends KernelArrayType>(type: T, length: number): ArrayOf<T>;
  free(array: KernelArray): boolean;
  activeTasks(): number;
  /** Host only. */
  lease?(threads: number, signal?: AbortSignal): Promise<Lease>;
  trace?: TraceControl;
  close?(): Promise<void>;
}

export interface TraceControl {
  /** Starts recording (clears what was recorded before). */
  start(): void;
  stop(): void;
  /** The recording so far as Chrome Trace Event JSON (open it in Perfetto). */
  export(): ChromeTrace;
  /** Checks a trace (default: the current recording) for budget violations. */
  check(trace?: ChromeTrace): BudgetReport;
}

export type ValidTaskOptions = Omit<TaskOptions, 'timeout'> & { timeout?: number };

type Asyncify<F> = F extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
/** A task module as seen from the caller: every exported function returns a promise. */
export type TaskModule<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: Asyncify<T[K]> } & {
  /** The same module, with per-call options (signal, timeout, transfer, onProgress). */
  with(options: TaskOptions): TaskModule<T>;
};

export interface LimitOptions {
  threads?: number;
  composition?: Composition;
}

export class Runtime {
  /** The kernels, each returning a promise; the last argument is always an options object. */
  readonly kernels: KernelApi;

  /** @internal use `createRuntime` or `getRuntime`. */
  constructor(
    private readonly backend: Backend,
    /** Thread cap of this view. */
    readonly threads: number,
    readonly composition: Composition,
    /** Inside a task: where `progress()` sends values (the caller's onProgress). */
    private readonly progressSink?: (value: unknown) => void,
  ) {
    const run = (build: (...args: never[]) => KernelCall) =>
      async (...args: never[]) => {
        this.assertOpen();
        const call = build(...args);
        return this.backend.runKernel(call, this.threadsFor(call));
      };
    this.kernels = Object.fromEntries(
      Object.entries(kernelBuilders).map(([name, build]) => [name, run(build as (...args: never[]) => KernelCall)]),
    ) as unknown as KernelApi;
  }

  /** Threads a kernel call may use: the smallest of every limit in force, and the static share. */
  private threadsFor(call: KernelCall): number {
    let n = Math.min(this.threads, call.threads ?? Infinity, this.backend.budget);
    if (this.composition === 'static' && this.backend.inTask) {
      n = Math.min(n, Math.max(1, Math.floor(this.backend.budget / Math.max(1, this.backend.activeTasks()))));
    }
    return n;
  }

  private assertOpen(): void {
    if (this.backend.closed) throw new RuntimeClosedError();
  }

  info(): RuntimeInfo {
    return { ...this.backend.info(), composition: this.composition, limit: this.threads };
  }

  /**
   * A view of this runtime with a tighter limit: kernels called through it use at most
   * `threads` threads, and tasks submitted through it carry the limit into their own kernels.
   * Limits nest (the smallest wins); the original view is unchanged.
   */
  limit(options: LimitOptions): Runtime {
    const o = object('options', options);
    const t = o.threads === undefined ? this.threads : Math.min(this.threads, validThreads('options.threads', o.threads));
    const c = o.composition === undefined ? this.composition : validComposition('options.composition', o.composition);
    return new Runtime(this.backend, t, c, this.progressSink);
  }

  /**
   * Runs `fn` with a limited view and returns its result: the scoped form of `limit()`. The
   * limit applies to everything `fn` does through the view it receives, across awaits.
   */
  async withLimit<T>(options: LimitOptions, fn: (rt: Runtime) => Promise<T> | T): Promise<T> {
    return fn(this.limit(options));
  }

  /**
   * Tasks: the exported functions of the ES module at `url`, run on the pool's workers. Inside
   * a task, `getRuntime()` gives the same API; its kernels run on that worker plus idle ones.
   * Give an absolute URL (`new URL('./tasks.js', import.meta.url)`): a relative string is
   * resolved against the page (Node: the working directory), or inside a task against the
   * worker script.
   */
  module<T = Record<string, (...args: never[]) => unknown>>(url: string | URL, options: TaskOptions = {}): TaskModule<T> {
    if (typeof url !== 'string' && !(url instanceof URL)) throw new WeftArgumentError('url', 'a string or URL', url);
    const valid = validTaskOptions(options);
    const href = resolveModuleUrl(url);
    return new Proxy({} as TaskModule<T>, {
      get: (_, name) => {
        if (name === 'with') return (more: TaskOptions) => this.module<T>(href, { ...options, ...more });
        if (typeof name !== 'string' || name === 'then') return undefined;
        return async (...args: unknown[]) => {
          this.assertOpen();
          return this.backend.submitTask(
            { url: href, name, args, threads: this.threads, composition: this.composition },
            valid,
          );
        };
      },
    });
  }

  /**
   * A typed array in the shared heap, of any type a kernel takes (Float32Array, Int32Array,
   * Uint32Array, Uint8Array, Uint8ClampedArray): pass it to any kernel (input or `out`) and it
   * is used in place, zero-copy. Free it with `rt.free()`. (Fallback mode: an ordinary array.)
   */
  alloc<T extends KernelArrayType>(type: T, length: number): ArrayOf<T> {
    this.assertOpen();
    if (!Object.values(ARRAY_TYPES).includes(type)) {
      throw new WeftArgumentError('type', `one of ${Object.keys(ARRAY_TYPES).join(', ')}`, type);
    }
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 0) {
      throw new WeftArgumentError('length', 'a non-negative integer', length);
    }
    return this.backend.alloc(type, length);
  }

  /** Frees a heap array from `alloc`. Returns false if it was not one (or already freed). */
  free(array: KernelArray): boolean {
    this.assertOpen();
    return this.backend.free(array);
  }

  /**
   * Reserves `threads` of the budget for a library weft cannot drive (ONNX Runtime Web's
   * numThreads, TF.js's setThreadsCount): resolves once they are free, and weft's own
   * concurrency stays reduced until `release()`. Host only.
   */
  async lease(threads: number, options: { signal?: AbortSignal } = {}): Promise<Lease> {
    this.assertOpen();
    if (!this.backend.lease) throw new WeftArgumentError('lease', 'to be called on the host thread', 'a task');
    const n = validThreads('threads', threads);
    if (n > this.backend.budget) throw new WeftArgumentError('threads', `at most the budget (${this.backend.budget})`, threads);
    return this.backend.lease(n, signal('options.signal', object('options', options).signal));
  }

  /** Per-worker spans of tasks and kernel chunks; export to Chrome Trace JSON. Host only. */
  get trace(): TraceControl {
    if (!this.backend.trace) throw new WeftArgumentError('trace', 'to be used on the host thread', 'a task');
    return this.backend.trace;
  }

  /** Inside a task: send `value` to the caller's `onProgress`. */
  progress(value: unknown): void {
    this.progressSink?.(value);
  }

  /**
   * Closes this runtime. The shared pool's workers are terminated when the last runtime
   * using them closes. Afterwards every call rejects with RuntimeClosedError.
   */
  async close(): Promise<void> {
    if (this.backend.closed) return;
    await this.backend.close?.();
  }
}

function validTaskOptions(options: TaskOptions): ValidTaskOptions {
  const o = object('options', options);
  if (o.transfer !== undefined && !Array.isArray(o.transfer)) throw new WeftArgumentError('options.transfer', 'an array', o.transfer);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') {
    throw new WeftArgumentError('options.onProgress', 'a function', o.onProgress);
  }
  return {
    signal: signal('options.signal', o.signal),
    timeout: duration('options.timeout', o.timeout),
    transfer: o.transfer,
    onProgress: o.onProgress,
  };
}
