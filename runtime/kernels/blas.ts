/** Vector and matrix kernels on Float32Array: elementwise, reductions, SGEMM. */
import { WeftArgumentError } from '../errors.js';
import { object } from '../options.js';
import { commonOptions, dimension, f32, num, requireLength, type KernelCall, type KernelOptions } from './call.js';

/** Ids of kernels-rs `KernelId`, for this family. */
export const blasIds = { add: 1, mul: 2, axpy: 3, scale: 4, sum: 5, dot: 6, min: 7, max: 8, sgemm: 9 } as const;

export interface MatmulOptions extends KernelOptions {
  m: number;
  k: number;
  n: number;
}

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
  /** `C = A·B`, row-major; A is m×k, B is k×n, C is m×n. */
  matmul(a: Float32Array, b: Float32Array, options: MatmulOptions): KernelCall<Float32Array> {
    const A = f32('a', a);
    const B = f32('b', b);
    if (options === undefined) throw new WeftArgumentError('options', 'an object with m, k and n', options);
    const o = object('options', options);
    const m = dimension('options.m', o.m);
    const k = dimension('options.k', o.k);
    const n = dimension('options.n', o.n);
    requireLength('a', A, m * k, `m·k = ${m}·${k}`);
    requireLength('b', B, k * n, `k·n = ${k}·${n}`);
    const output = vector(m * n);
    return { kernel: blasIds.sgemm, name: 'matmul', inputs: [A, B], output, dim: [m, k, n, 0, 0, 0], scalar: [1, 0], ...commonOptions(options, output) };
  },
};
