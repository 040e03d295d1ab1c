/** Vector and matrix kernels on Float32Array: elementwise, reductions, SGEMM. */
import { WeftArgumentError } from '../errors.js';
import { boolean, object } from '../options.js';
import { commonOptions, dimension, f32, num, requireLength, type KernelCall, type KernelOptions } from './call.js';
import { disjointOut } from './data.js';

/** Ids of kernels-rs `KernelId`, for this family. */
export const blasIds = { add: 1, mul: 2, axpy: 3, scale: 4, sum: 5, dot: 6, min: 7, max: 8, sgemm: 9 } as const;

export interface MatmulOptions extends KernelOptions {
  m: number;
  k: number;
  n: number;
  /** Where to write C (m·n floats); must not overlap a or b. */
  out?: Float32Array;
}

export interface GemmOptions extends MatmulOptions {
  /** Default 1. */
  alpha?: number;
  /** Default 0: C is not read (it may be null, or hold anything, even NaN). */
  beta?: number;
  /** A is stored transposed (k×m, row-major). */
  transA?: boolean;
  /** B is stored transposed (n×k, row-major). */
  transB?: boolean;
  /** Where to write C (m·n floats); `out: c` updates C in place. Must not overlap a or b. */
  out?: Float32Array;
}

export interface BatchedMatmulOptions extends MatmulOptions {
  /** Number of products: a holds batch m×k matrices, b batch k×n, the result batch m×n. */
  batch: number;
  /** Where to write the batch·m·n result; must not overlap a or b. */
  out?: Float32Array;
}

/** Kernel flags of Sgemm (`dim[3]`). */
const TRANS_A = 1, TRANS_B = 2, BATCHED = 4;

const vector = (length: number) => ({ type: Float32Array, length });

function binary(kernel: number, name: string, x: unknown, y: unknown, options?: KernelOptions): KernelCall<Float32Array> {
  const a = f32('x', x);
  const b = f32('y', y);
  requireLength('y', b, a.length, 'same as x');
  const output = vector(a.length);
  return { kernel, name, inputs: [a, b], output, dim: [a.length], scalar: [], ...commonOptions(options, output) };
}

function reduction(kernel: number, name: string, arrays: Float32Array[], options?: KernelOptions): KernelCall<number> {
  return { kernel, name, inputs: arrays, output: null, dim: [arrays[0].length], scalar: [], ...commonOptions(options, null) };
}

export const blas = {
  /** `x + y`, elementwise. */
  add: (x: Float32Array, y: Float32Array, options?: KernelOptions) => binary(blasIds.add, 'add', x, y, options),
  /** `x * y`, elementwise. */
  mul: (x: Float32Array, y: Float32Array, options?: KernelOptions) => binary(blasIds.mul, 'mul', x, y, options),
  /** `alpha·x + y` into a new array (or `out`; `out: y` is BLAS's in-place axpy). */
  axpy(alpha: number, x: Float32Array, y: Float32Array, options?: KernelOptions): KernelCall<Float32Array> {
    const a = num('alpha', alpha);
    return { ...binary(blasIds.axpy, 'axpy', x, y, options), scalar: [a] };
  },
  /** `alpha·x`. */
  scale(alpha: number, x: Float32Array, options?: KernelOptions): KernelCall<Float32Array> {
    const a = num('alpha', alpha);
    const v = f32('x', x);
    const output = vector(v.length);
    return { kernel: blasIds.scale, name: 'scale', inputs: [v], output, dim: [v.length], scalar: [a], ...commonOptions(options, output) };
  },
  /** Sum of the elements (0 when empty; NaN if any is NaN). */
  sum: (x: Float32Array, options?: KernelOptions) => reduction(blasIds.sum, 'sum', [f32('x', x)], options),
  /** Smallest element (Infinity when empty, like `Math.min()`; NaN if any is NaN). */
  min: (x: Float32Array, options?: KernelOptions) => reduction(blasIds.min, 'min', [f32('x', x)], options),
  /** Largest element (-Infinity when empty; NaN if any is NaN). */
  max: (x: Float32Array, options?: KernelOptions) => reduction(blasIds.max, 'max', [f32('x', x)], options),
  /** Dot product. */
  dot(x: Float32Array, y: Float32Array, options?: KernelOptions): KernelCall<number> {
    const a = f32('x', x);
    const b = f32('y', y);
    requireLength('y', b, a.length, 'same as x');
    return reduction(blasIds.dot, 'dot', [a, b], options);
  },
  /** `C = A·B`, row-major; A is m×k, B is k×n, C is m×n: `gemm` with α = 1, β = 0. */
  matmul(a: Float32Array, b: Float32Array, options: MatmulOptions): KernelCall<Float32Array> {
    return { ...blas.gemm(a, b, null, options), name: 'matmul' };
  },
  /**
   * BLAS sgemm: `alpha·op(A)·op(B) + beta·C`, row-major, into a new array (or `out`). op(A) is
   * m×k (A stored k×m when `transA`), op(B) k×n (B stored n×k when `transB`), C m×n. `c` is read
   * only when `beta ≠ 0` (then it is required); `alpha = 0` or `k = 0` give `beta·C` without
   * reading A or B. alpha and beta are rounded to f32.
   */
  gemm(a: Float32Array, b: Float32Array, c: Float32Array | null | undefined, options: GemmOptions): KernelCall<Float32Array> {
    const A = f32('a', a);
    const B = f32('b', b);
    if (options === undefined) throw new WeftArgumentError('options', 'an object with m, k and n', options);
    const o = object('options', options);
    const m = dimension('options.m', o.m);
    const k = dimension('options.k', o.k);
    const n = dimension('options.n', o.n);
    const alpha = o.alpha === undefined ? 1 : num('options.alpha', o.alpha);
    const beta = o.beta === undefined ? 0 : num('options.beta', o.beta);
    const transA = o.transA === undefined ? false : boolean('options.transA', o.transA);
    const transB = o.transB === undefined ? false : boolean('options.transB', o.transB);
    requireLength('a', A, m * k, transA ? `k·m = ${k}·${m} (transA)` : `m·k = ${m}·${k}`);
    requireLength('b', B, k * n, transB ? `n·k = ${n}·${k} (transB)` : `k·n = ${k}·${n}`);
    let C: Float32Array | undefined;
    if (c !== null && c !== undefined) {
      C = f32('c', c);
      requireLength('c', C, m * n, `m·n = ${m}·${n}`);
    } else if (beta !== 0) {
      throw new WeftArgumentError('c', `a Float32Array of m·n = ${m * n} (beta ≠ 0 reads C)`, c);
    }
    const output = { type: Float32Array, length: m * n, init: beta !== 0 ? C : undefined };
    const common = commonOptions(options, output);
    disjointOut(common.out, [A, B]);
    const flags = (transA ? TRANS_A : 0) | (transB ? TRANS_B : 0);
    return { kernel: blasIds.sgemm, name: 'gemm', inputs: [A, B], output, dim: [m, k, n, flags, 0, 0], scalar: [alpha, beta], ...common };
  },
  /** `C_i = A_i·B_i` for i < batch: a is batch×m×k, b batch×k×n, the result batch×m×n (contiguous, row-major). */
  batchedMatmul(a: Float32Array, b: Float32Array, options: BatchedMatmulOptions): KernelCall<Float32Array> {
    const A = f32('a', a);
    const B = f32('b', b);
    if (options === undefined) throw new WeftArgumentError('options', 'an object with batch, m, k and n', options);
    const o = object('options', options);
    const batch = dimension('options.batch', o.batch);
    const m = dimension('options.m', o.m);
    const k = dimension('options.k', o.k);
    const n = dimension('options.n', o.n);
    requireLength('a', A, batch * m * k, `batch·m·k = ${batch}·${m}·${k}`);
    requireLength('b', B, batch * k * n, `batch·k·n = ${batch}·${k}·${n}`);
    const output = vector(batch * m * n);
    const common = commonOptions(options, output);
    disjointOut(common.out, [A, B]);
    return { kernel: blasIds.sgemm, name: 'batchedMatmul', inputs: [A, B], output, dim: [m, k, n, BATCHED, 0, 0, batch], scalar: [1, 0], ...common };
  },
};
