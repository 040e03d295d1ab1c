/**
 * The wire contract between the host (the thread that created the runtime) and its pool
 * workers. Types only: the calls themselves travel over comlink, which proxies these two
 * interfaces across `postMessage` in both directions.
 */
import type { Composition } from './options.js';
import type { TraceBuffers } from './trace.js';
import type { SimdLevel, ThreadMemory } from './wasm.js';
import type { SerializedError } from './errors.js';
import type { KernelArray, WireKernelCall } from './kernels/index.js';

/** Everything a worker needs to join the pool. */
export type WorkerInit = SharedWorkerInit | FallbackWorkerInit;

interface CommonInit {
  /** The worker's index: its record in the control buffer and its trace ring. */
  index: number;
  module: WebAssembly.Module;
  simd: SimdLevel;
  /** Port on which the worker reaches the host's `HostApi` (nested tasks, progress). */
  host: MessagePort;
}

export interface SharedWorkerInit extends CommonInit {
  mode: 'shared';
  memory: WebAssembly.Memory;
  thread: ThreadMemory;
  ctrl: Int32Array;
  trace: TraceBuffers;
  /** Address of the job table in the shared memory. */
  jobs: number;
}

export interface FallbackWorkerInit extends CommonInit {
  mode: 'fallback';
  /** Pages for the worker's own memory (the import's limits). */
  memoryPages: { initial: number; maximum: number };
}

/** A task: call export `name` of the ES module at `url` with `args`. */
export interface TaskRequest {
  id: number;
  url: string;
  name: string;
  args: unknown[];
  /** Cap on threads for kernels the task calls (the limit in force where it was submitted). */
  threads: number;
  composition: Composition;
}

/** Receives a task's progress reports; a comlink proxy back to the caller's `onProgress`. */
export type ProgressSink = (value: unknown) => void;

/** How the host answers a task submitted from inside a worker. */
export type NestedAnswer =
  | { kind: 'done'; value: unknown }
  | { kind: 'error'; error: SerializedError }
  | { kind: 'inline'; id: number; args: unknown[] };

/** A nested task as the submitting worker sends it. */
export interface NestedRequest extends Omit<TaskRequest, 'id'> {
  /** Chosen by the submitting worker, so it can abort the task (`abortNested`). */
  key: string;
  timeout?: number;
  /** The transferables among `args`, passed on to the worker that runs it. */
  transfer?: readonly object[];
}

/** Exposed by each worker. */
export interface WorkerApi {
  init(init: WorkerInit): Promise<void>;
  /** `progress` travels as its own argument: comlink proxies only top-level arguments. */
  runTask(request: TaskRequest, progress?: ProgressSink): Promise<unknown>;
  /** Fallback mode only: the host's kernel calls, arrays copied in and out. */
  runKernel(call: WireKernelCall): Promise<KernelArray | number>;
}

/** Exposed by the host to its workers. */
export interface HostApi {
  /**
   * A task submitted from inside a task. Answers 'inline' when no other worker can take it
   * now, and the submitting worker runs it itself (caller-runs: nesting never waits for a
   * thread, so it cannot deadlock).
   */
  submitNested(from: number, request: NestedRequest, progress?: ProgressSink): Promise<NestedAnswer>;
  /** The submitting task's signal fired (or its timeout): abort that nested task. */
  abortNested(key: string): void;
  /** A nested task that ran inline has finished (for `info().tasks` and static composition). */
  inlineDone(from: number, id: number): void;
}
