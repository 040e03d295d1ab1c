/**
 * User options arrive as partial objects, are validated once here (each message names the
 * option), and are merged over frozen defaults into complete resolved sets.
 */
import { MAX_WORKERS } from './control.js';
import { WeftArgumentError } from './errors.js';
import type { SimdLevel } from './wasm.js';

export type Composition = 'dynamic' | 'static';

export interface RuntimeOptions {
  /** The thread budget. Default: `navigator.hardwareConcurrency` (Node: `os.availableParallelism()`). */
  threads?: number;
  /**
   * How kernels called from tasks share the budget. 'dynamic' (default, TBB-like): idle
   * workers join any running kernel. 'static' (SMP-like): a kernel called from a task gets
   * max(1, floor(budget / running tasks)) threads, fixed when it starts.
   */
  composition?: Composition;
  /** Opt out of the page-wide shared pool: this runtime gets a pool (and budget) of its own. */
  isolated?: boolean;
  /** Most tasks waiting for a worker; one more rejects with QueueFullError. Default: unbounded. */
  maxQueue?: number;
  /** Start recording the trace right away. */
  trace?: boolean;
  /**
   * Force a kernel build instead of the best one detected: 'relaxed' (relaxed-SIMD FMA) or
   * 'simd128'. Needs `isolated: true` unless it matches the page's shared pool.
   */
  simd?: SimdLevel;
}

export interface ResolvedOptions {
  threads: number;
  composition: Composition;
  isolated: boolean;
  maxQueue: number;
  trace: boolean;
  simd: SimdLevel | undefined;
}

const DEFAULTS = Object.freeze({ composition: 'dynamic' as Composition, isolated: false, maxQueue: Infinity, trace: false });

export function resolveOptions(user: RuntimeOptions | undefined, defaultThreads: number): ResolvedOptions {
  const options = object('options', user);
  return {
    threads: options.threads === undefined ? Math.min(defaultThreads, MAX_WORKERS) : threads('threads', options.threads),
    composition: options.composition === undefined ? DEFAULTS.composition : composition('composition', options.composition),
    isolated: options.isolated === undefined ? DEFAULTS.isolated : boolean('isolated', options.isolated),
    maxQueue: options.maxQueue === undefined ? DEFAULTS.maxQueue : count('maxQueue', options.maxQueue),
    trace: options.trace === undefined ? DEFAULTS.trace : boolean('trace', options.trace),
    simd: options.simd === undefined ? undefined : simdLevel('simd', options.simd),
  };
}

export function object<T extends object>(name: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object') throw new WeftArgumentError(name, 'an options object', value);
  return value;
}

/** A thread count: an integer from 1 to MAX_WORKERS. */
export function threads(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_WORKERS) {
    throw new WeftArgumentError(name, `an integer from 1 to ${MAX_WORKERS}`, value);
  }
  return value;
}

/** A non-negative integer (Infinity allowed). */
export function count(name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value === Infinity || (Number.isInteger(value) && value >= 0))) {
    throw new WeftArgumentError(name, 'a non-negative integer or Infinity', value);
  }
  return value;
}

export function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new WeftArgumentError(name, 'a boolean', value);
  return value;
}

export function composition(name: string, value: unknown): Composition {
  if (value !== 'dynamic' && value !== 'static') throw new WeftArgumentError(name, "'dynamic' or 'static'", value);
  return value;
}

export function simdLevel(name: string, value: unknown): SimdLevel {
  if (value !== 'relaxed' && value !== 'simd128') throw new WeftArgumentError(name, "'relaxed' or 'simd128'", value);
  return value;
}

export function signal(name: string, value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (typeof AbortSignal === 'undefined' || !(value instanceof AbortSignal)) {
    throw new WeftArgumentError(name, 'an AbortSignal', value);
  }
  return value;
}

/** Milliseconds: a positive finite number. */
export function duration(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new WeftArgumentError(name, 'a positive number of milliseconds', value);
  }
  return value;
}
