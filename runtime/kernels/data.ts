/**
 * Data kernels: sort, stable argsort, prefix sum, histogram, transpose, row-wise softmax. The
 * Rust side (kernels-rs/src/data/) documents the algorithms and the exact arithmetic; the
 * contract each caller needs is on the builders here. Every result is bit-identical for any
 * number of threads.
 */
import { WeftArgumentError } from '../errors.js';
import { boolean, object } from '../options.js';
import { commonOptions, dimension, f32, overlaps, requireLength, type KernelArray, type KernelCall, type KernelOptions } from './call.js';

/** Ids of kernels-rs `DataKernel`, for this family (20–39). */
export const dataIds = { sort: 20, argsort: 21, prefixSum: 22, histogram: 23, transpose: 24, softmax: 25 } as const;

/** Arrays `sort` and `argsort` take: 32-bit keys. */
export type SortableArray = Float32Array | Int32Array | Uint32Array;

/** Most elements `sort`/`argsort` take (2^28): argsort's scratch is 12 bytes per element. */
export const MAX_SORT_LENGTH = 1 << 28;
/** Most bins of a histogram (2^26). */
export const MAX_BINS = 1 << 26;

export interface SortOptions extends KernelOptions {
  /** Where to write the sorted values: the same type and length as `x`; may be `x` itself (in place). */
  out?: SortableArray;
}

export interface ArgsortOptions extends KernelOptions {
  /** Where to write the indices: a Uint32Array of `x.length`, not overlapping `x`. */
  out?: Uint32Array;
}

export interface PrefixSumOptions extends KernelOptions {
  /** `out[i] = x[0] + … + x[i-1]` (`out[0] = 0`) instead of the inclusive `x[0] + … + x[i]`. */
  exclusive?: boolean;
  /** Where to write the sums (`x.length` floats); may be `x` itself. */
  out?: Float32Array;
}

export interface HistogramOptions extends KernelOptions {
  /** Number of equal-width bins over `range` (integer ≥ 1). Give this or `edges`. */
  bins?: number;
  /**
   * `[lo, hi]`, finite, `lo ≤ hi` (equal: widened to `[lo − 0.5, hi + 0.5]`, like numpy).
   * Default: the min and max of the finite values of `x` (none: `[0, 1]`).
   */
  range?: readonly [number, number];
  /** Bin edges instead of `bins`: non-decreasing, no NaN, at least 2 (bins = edges.length − 1). */
  edges?: Float32Array;
  /** Where to write the counts: a Uint32Array of the number of bins. */
  out?: Uint32Array;
}

export interface MatrixOptions extends KernelOptions {
  /** Rows of `x` (row-major). */
  rows: number;
  /** Columns of `x`; `rows·cols` must be `x.length`. */
  cols: number;
  out?: Float32Array;
}


/** Rejects an `out` overlapping any of `arrays`, except one that is exactly `inPlace` (if given). */
export function disjointOut(out: KernelArray | undefined, arrays: KernelArray[], inPlace?: KernelArray): void {
  if (!out) return;
  for (const a of arrays) {
    const same = a === inPlace && out.buffer === a.buffer && out.byteOffset === a.byteOffset && out.byteLength === a.byteLength;
    if (!same && overlaps(out, a)) {
      throw new WeftArgumentError('options.out', inPlace ? 'the input itself or an array not overlapping it' : 'an array not overlapping the inputs', out);
    }
  }
}

function sortable(name: string, value: unknown): SortableArray {
  if (!(value instanceof Float32Array || value instanceof Int32Array || value instanceof Uint32Array)) {
    throw new WeftArgumentError(name, 'a Float32Array, Int32Array or Uint32Array', value);
  }
  if (value.length > MAX_SORT_LENGTH) throw new WeftArgumentError(name, `at most ${MAX_SORT_LENGTH} elements`, value);
  return value;
}

/** Key type code of the Rust side: 0 f32, 1 i32, 2 u32. */
const keyType = (x: SortableArray) => (x instanceof Float32Array ? 0 : x instanceof Int32Array ? 1 : 2);

/** A Float32Array whose length fits the kernels' 32-bit sizes. */
function vector(name: string, value: unknown): Float32Array {
  const x = f32(name, value);
  if (x.length > 0x7fffffff) throw new WeftArgumentError(name, 'at most 2^31 − 1 elements', x);
  return x;
}

function required(options: unknown, what: string): Record<string, unknown> {
  if (options === undefined) throw new WeftArgumentError('options', `an object with ${what}`, options);
  return object('options', options as object) as Record<string, unknown>;
}

function matrix(x: unknown, options: unknown): { X: Float32Array; rows: number; cols: number } {
  const X = vector('x', x);
  const o = required(options, 'rows and cols');
  const rows = dimension('options.rows', o.rows);
  const cols = dimension('options.cols', o.cols);
  requireLength('x', X, rows * cols, `rows·cols = ${rows}·${cols}`);
  return { X, rows, cols };
}

function histogramBins(o: Record<string, unknown>, X: Float32Array) {
  if (o.edges !== undefined) {
    if (o.bins !== undefined) throw new WeftArgumentError('options.bins', 'to be absent when edges are given', o.bins);
    if (o.range !== undefined) throw new WeftArgumentError('options.range', 'to be absent when edges are given', o.range);
    const edges = vector('options.edges', o.edges);
    if (edges.length < 2 || edges.length - 1 > MAX_BINS) {
      throw new WeftArgumentError('options.edges', `between 2 and ${MAX_BINS + 1} edges`, edges);
    }
    for (let i = 0; i < edges.length; i++) {
      if (Number.isNaN(edges[i]) || (i > 0 && edges[i] < edges[i - 1])) {
        throw new WeftArgumentError('options.edges', `non-decreasing values without NaN (edges[${i}] = ${edges[i]})`, edges);
      }
    }
    return { bins: edges.length - 1, mode: 2, lo: 0, hi: 0, inputs: [X, edges] };
  }
  if (o.bins === undefined) throw new WeftArgumentError('options.bins', 'a positive integer (or options.edges)', o.bins);
  const bins = dimension('options.bins', o.bins);
  if (bins < 1 || bins > MAX_BINS) throw new WeftArgumentError('options.bins', `an integer from 1 to ${MAX_BINS}`, o.bins);
  if (o.range === undefined) return { bins, mode: 1, lo: 0, hi: 0, inputs: [X] };
  const r = o.range as unknown[];
  const ok = Array.isArray(r) && r.length === 2 && r.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!ok || r[0]! > r[1]! || !Number.isFinite((r[1] as number) - (r[0] as number))) {
    throw new WeftArgumentError('options.range', '[lo, hi] with finite lo ≤ hi', o.range);
  }
  let [lo, hi] = r as [number, number];
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  return { bins, mode: 0, lo, hi, inputs: [X] };
}

export const data = {
  /**
   * Sorted copy of `x`, ascending, in `TypedArray.prototype.sort` order: NaNs last, `-0` before
   * `+0`. NaNs come out as the canonical NaN (any payload is dropped). Parallel LSD radix sort.
   */
  sort(x: SortableArray, options?: SortOptions): KernelCall<SortableArray> {
    const X = sortable('x', x);
    const output = { type: X.constructor as typeof Float32Array, length: X.length };
    const common = commonOptions(options, output);
    disjointOut(common.out, [X], X);
    return { kernel: dataIds.sort, name: 'sort', inputs: [X], output, dim: [X.length, keyType(X)], scalar: [], ...common };
  },

  /**
   * Indices that sort `x` (`x[i[0]] ≤ x[i[1]] ≤ …` in `sort`'s order), stable: equal values
   * (all NaNs count as equal; `-0` sorts before `+0`) keep their index order.
   */
  argsort(x: SortableArray, options?: ArgsortOptions): KernelCall<Uint32Array> {
    const X = sortable('x', x);
    const output = { type: Uint32Array, length: X.length };
    const common = commonOptions(options, output);
    disjointOut(common.out, [X]);
    return { kernel: dataIds.argsort, name: 'argsort', inputs: [X], output, dim: [X.length, keyType(X)], scalar: [], ...common };
  },

  /**
   * Running sums of `x` (inclusive, or `exclusive: true`). Deterministic and accurate: each
   * output is `f32(s) + r` where `s` is the f64 sum of everything before its 64-element block
   * and `r` the f32 running sum inside the block, so |error| ≤ 2^-24·(Σ_{j≤i}|x_j| + |out_i|)
   * + 64·2^-24·(Σ|x_j| over i's block).
   */
  prefixSum(x: Float32Array, options?: PrefixSumOptions): KernelCall<Float32Array> {
    const X = vector('x', x);
    const o = object('options', options);
    const exclusive = o.exclusive === undefined ? false : boolean('options.exclusive', o.exclusive);
    const output = { type: Float32Array, length: X.length };
    const common = commonOptions(options, output);
    disjointOut(common.out, [X], X);
    return { kernel: dataIds.prefixSum, name: 'prefixSum', inputs: [X], output, dim: [X.length, exclusive ? 1 : 0], scalar: [], ...common };
  },

  /**
   * Counts of `x` per bin, numpy's semantics: bin i holds `e_i ≤ v < e_{i+1}`, the last bin
   * also `v == e_last`; values outside and NaN are ignored. Equal-width bins use numpy's f64
   * edges `e_i = i·((hi − lo)/bins) + lo`, `e_bins = hi`.
   */
  histogram(x: Float32Array, options: HistogramOptions): KernelCall<Uint32Array> {
    const X = vector('x', x);
    const o = required(options, 'bins (and optionally range) or edges');
    const { bins, mode, lo, hi, inputs } = histogramBins(o, X);
    const output = { type: Uint32Array, length: bins };
    const common = commonOptions(options, output);
    disjointOut(common.out, inputs);
    return { kernel: dataIds.histogram, name: 'histogram', inputs, output, dim: [X.length, bins, mode], scalar: [lo, hi], ...common };
  },

  /** The `cols × rows` transpose of the row-major `rows × cols` matrix `x`. */
  transpose(x: Float32Array, options: MatrixOptions): KernelCall<Float32Array> {
    const { X, rows, cols } = matrix(x, options);
    const output = { type: Float32Array, length: X.length };
    const common = commonOptions(options, output);
    disjointOut(common.out, [X]);
    return { kernel: dataIds.transpose, name: 'transpose', inputs: [X], output, dim: [rows, cols], scalar: [], ...common };
  },

  /**
   * Softmax of each row of the row-major `rows × cols` matrix `x` (max subtracted first).
   * A row with a NaN is all NaN; if a row's max is ±Infinity, the entries equal to it share 1
   * equally and the rest get 0 (so an all −Infinity row is uniform). Relative error ~1e-6.
   */
  softmax(x: Float32Array, options: MatrixOptions): KernelCall<Float32Array> {
    const { X, rows, cols } = matrix(x, options);
    const output = { type: Float32Array, length: X.length };
    const common = commonOptions(options, output);
    disjointOut(common.out, [X], X);
    return { kernel: dataIds.softmax, name: 'softmax', inputs: [X], output, dim: [rows, cols], scalar: [], ...common };
  },
};
