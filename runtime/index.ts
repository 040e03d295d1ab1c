/**
 * weft: composable parallelism for the web. One thread budget shared by app-level tasks and
 * the kernel threads they start, so nesting composes instead of multiplying.
 *
 * @packageDocumentation
 */
export { createRuntime } from './host.js';
export { getRuntime } from './registry.js';
export { Runtime } from './runtime.js';
export type { RuntimeInfo, TaskOptions, TaskModule, Lease, LimitOptions, TraceControl } from './runtime.js';
export type { RuntimeOptions, Composition } from './options.js';
export type {
  KernelOptions,
  MatmulOptions,
  GemmOptions,
  BatchedMatmulOptions,
  KernelApi,
  KernelArray,
  KernelArrayType,
  ArrayOf,
  SortableArray,
  SortOptions,
  ArgsortOptions,
  PrefixSumOptions,
  HistogramOptions,
  MatrixOptions,
  GaussianBlurOptions,
  BoxBlurOptions,
  Conv2dOptions,
  MandelbrotOptions,
} from './kernels/index.js';
export type { SimdLevel } from './wasm.js';
export type { ChromeTrace, TraceEvent, BudgetReport } from './trace.js';
export { checkBudget } from './trace.js';
export {
  WeftError,
  WeftArgumentError,
  RuntimeClosedError,
  AbortError,
  TimeoutError,
  QueueFullError,
  WorkerCrashedError,
  OutOfMemoryError,
  KernelError,
  TaskError,
} from './errors.js';
export type { WeftErrorCode } from './errors.js';
/** Re-exported from comlink: mark a task's return value for transfer instead of copy. */
export { transfer } from 'comlink';
