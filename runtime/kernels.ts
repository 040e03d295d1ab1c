/**
 * The kernel API: each public kernel is one descriptor (`KernelCall`) built by a validating
 * builder, then executed by whichever executor the calling thread has (host, worker, or the
 * fallback's remote worker). Validation happens here, before any worker runs.
 */
import { WeftArgumentError } from './errors.js';
import type { Heap } from './heap.js';
import type { JobResult, JobSpec } from './jobs.js';
import { object, signal, threads } from './options.js';

/** Kernel ids, matching kernels-rs `KernelId`. */
export const KernelId = { add: 1, mul: 2, axpy: 3, scale: 4, sum: 5, dot: 6, min: 7, max: 8, sgemm: 9 } as const;
const KERNEL_NAMES = Object.fromEntries(Object.entries(KernelId).map(([name, id]) => [id, name]));
export const kernelName = (id: number): string => KERNEL_NAMES[id] ?? `kernel ${id}`;

/** Options every kernel takes as its last argument. */
export interface KernelOptions {
  /** Most threads this call may use (the caller included). */
  threads?: number;
  /** Aborting stops the kernel at its next chunk boundary; the call rejects with AbortError. */
  signal?: AbortSignal;
  /** Where to write an array result. A heap array (`rt.alloc`) is written in place, zero-copy. */
  out?: Float32Array;
}

export interface MatmulOptions extends KernelOptions {
  m: number;
  k: number;
  n: number;
}

/** A validated kernel call: what to run, on which arrays. */
export interface KernelCall {
  kernel: number;
  name: string;
  /** Input arrays, in `Job.ptr` order; the output (if any) follows them. */
  inputs: Float32Array[];
  /** Length of the array result, or null for a scalar result. */
  outLength: number | null;
  out?: Float32Array;
  dim: number[];
  scalar: number[];
  threads?: number;
  signal?: AbortSignal;
}

/** The part of a call that crosses to a worker in fallback mode (no signal, no heap `out`). */
export type WireKernelCall = Omit<KernelCall, 'signal' | 'out'>;

function f32(name: string, value: unknown): Float32Array {
  if (!(value instanceof Float32Array)) throw new WeftArgumentError(name, 'a Float32Array', value);
  return value;
}

function num(name: string, value: unknown): number {
  if (typeof value !== 'number') throw new WeftArgumentError(name, 'a number', value);
  return value;
}

/** A matrix dimension: a non-negative integer that fits the 32-bit kernel ABI. */
function dimension(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new WeftArgumentError(name, 'a non-negative integer', value);
  }
  return value;
}

function sameLength(name: string, array: Float32Array, length: number, what: string): void {
  if (array.length !== length) throw new WeftArgumentError(name, `length ${length} (${what})`, array);
}

function commonOptions(options: KernelOptions | undefined, outLength: number | null) {
  const o = object('options', options);
  const result: Pick<KernelCall, 'threads' | 'signal' | 'out'> = {
    threads: o.threads === undefined ? undefined : threads('options.threads', o.threads),
    signal: signal('options.signal', o.signal),
  };
  if (o.out !== undefined) {
    if (outLength === null) throw new WeftArgumentError('options.out', 'nothing (this kernel returns a number)', o.out);
    sameLength('options.out', f32('options.out', o.out), outLength, 'the result length');
    result.out = o.out;
  }
  return result;
}

function binary(kernel: number, name: string, x: unknown, y: unknown, options?: KernelOptions): KernelCall {
  const a = f32('x', x);
  const b = f32('y', y);
  sameLength('y', b, a.length, 'same as x');
  return { kernel, name, inputs: [a, b], outLength: a.length, dim: [a.length], scalar: [], ...commonOptions(options, a.length) };
}

function reduction(kernel: number, name: string, arrays: Float32Array[], options?: KernelOptions): KernelCall {
  return { kernel, name, inputs: arrays, outLength: null, dim: [arrays[0].length], scalar: [], ...commonOptions(options, null) };
}

/** Builders: validate the public arguments into a `KernelCall`. */
export const buildCall = {
  add: (x: unknown, y: unknown, options?: KernelOptions) => binary(KernelId.add, 'add', x, y, options),
  mul: (x: unknown, y: unknown, options?: KernelOptions) => binary(KernelId.mul, 'mul', x, y, options),
  axpy(alpha: unknown, x: unknown, y: unknown, options?: KernelOptions): KernelCall {
    const a = num('alpha', alpha);
    return { ...binary(KernelId.axpy, 'axpy', x, y, options), scalar: [a] };
  },
  scale(alpha: unknown, x: unknown, options?: KernelOptions): KernelCall {
    const a = num('alpha', alpha);
    const v = f32('x', x);
    return { kernel: KernelId.scale, name: 'scale', inputs: [v], outLength: v.length, dim: [v.length], scalar: [a], ...commonOptions(options, v.length) };
  },
  sum: (x: unknown, options?: KernelOptions) => reduction(KernelId.sum, 'sum', [f32('x', x)], options),
  min: (x: unknown, options?: KernelOptions) => reduction(KernelId.min, 'min', [f32('x', x)], options),
  max: (x: unknown, options?: KernelOptions) => reduction(KernelId.max, 'max', [f32('x', x)], options),
  dot(x: unknown, y: unknown, options?: KernelOptions): KernelCall {
    const a = f32('x', x);
    const b = f32('y', y);
    sameLength('y', b, a.length, 'same as x');
    return reduction(KernelId.dot, 'dot', [a, b], options);
  },
  matmul(a: unknown, b: unknown, options: MatmulOptions): KernelCall {
    const A = f32('a', a);
    const B = f32('b', b);
    const o = object('options', options);
    if (options === undefined) throw new WeftArgumentError('options', 'an object with m, k and n', options);
    const m = dimension('options.m', o.m);
    const k = dimension('options.k', o.k);
    const n = dimension('options.n', o.n);
    sameLength('a', A, m * k, `m·k = ${m}·${k}`);
    sameLength('b', B, k * n, `k·n = ${k}·${n}`);
    return {
      kernel: KernelId.sgemm,
      name: 'matmul',
      inputs: [A, B],
      outLength: m * n,
      dim: [m, k, n, 0, 0, 0],
      scalar: [1, 0],
      ...commonOptions(options, m * n),
    };
  },
} satisfies Record<string, (...args: never[]) => KernelCall>;

export type KernelName = keyof typeof buildCall;

/**
 * Places a call's arrays in the shared heap (heap arrays by address, others copied in), runs
 * it, and returns the array or number result. Temporary blocks are freed whatever happens.
 */
export async function executeInHeap(
  heap: Heap,
  call: KernelCall,
  threadCount: number,
  run: (spec: JobSpec) => JobResult | Promise<JobResult>,
): Promise<Float32Array | number> {
  const temporaries: Array<[ptr: number, bytes: number]> = [];
  const place = (array: Float32Array): number => {
    if (heap.contains(array)) return array.byteOffset;
    const ptr = heap.copyIn(array);
    temporaries.push([ptr, Math.max(4, array.byteLength)]);
    return ptr;
  };
  try {
    const ptr = call.inputs.map(place);
    let outPtr = 0;
    if (call.outLength !== null) {
      if (call.out && heap.contains(call.out)) outPtr = call.out.byteOffset;
      else {
        const bytes = Math.max(4, call.outLength * 4);
        outPtr = heap.alloc(bytes);
        temporaries.push([outPtr, bytes]);
      }
      ptr.push(outPtr);
    }
    const { result } = await run({ kernel: call.kernel, name: call.name, ptr, dim: call.dim, scalar: call.scalar, threads: threadCount });
    if (call.outLength === null) return result;
    if (call.out) {
      if (!heap.contains(call.out)) call.out.set(new Float32Array(heap.u8().buffer, outPtr, call.outLength));
      return call.out;
    }
    return heap.copyOut(outPtr, call.outLength);
  } finally {
    for (const [p, bytes] of temporaries) heap.free(p, bytes);
  }
}
