/**
 * The one shape every kernel call takes (`KernelCall`), the validation helpers builders use,
 * and the one routine that places a call's arrays in the shared heap and runs it. Each kernel
 * family (blas.ts, …) only describes its kernels in terms of these.
 */
import { WeftArgumentError } from '../errors.js';
import type { Heap } from '../heap.js';
import type { JobResult, JobSpec } from '../jobs.js';
import { object, signal, threads } from '../options.js';

/** Typed arrays kernels take and return. */
export type KernelArray = Float32Array | Int32Array | Uint32Array | Uint8Array | Uint8ClampedArray;
export type KernelArrayType =
  | Float32ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Uint8ArrayConstructor
  | Uint8ClampedArrayConstructor;
/** The array `rt.alloc(type)` returns: over the heap's SharedArrayBuffer, hence `ArrayBufferLike`. */
export type ArrayOf<T extends KernelArrayType> = T extends Float32ArrayConstructor
  ? Float32Array
  : T extends Int32ArrayConstructor
    ? Int32Array
    : T extends Uint32ArrayConstructor
      ? Uint32Array
      : T extends Uint8ClampedArrayConstructor
        ? Uint8ClampedArray
        : Uint8Array;

/** Options every kernel takes as its last argument. */
export interface KernelOptions {
  /** Most threads this call may use (the caller included). */
  threads?: number;
  /** Aborting stops the kernel at its next chunk boundary; the call rejects with AbortError. */
  signal?: AbortSignal;
  /** Where to write an array result. A heap array (`rt.alloc`) is written in place, zero-copy. */
  out?: KernelArray;
}

/** A validated kernel call: what to run, on which arrays. `R` is what the call resolves to. */
export interface KernelCall<R = unknown> {
  kernel: number;
  name: string;
  /** Input arrays, in `Job.ptr` order; the output array (if any) follows them. */
  inputs: KernelArray[];
  /**
   * The array result's type and length, or null for a scalar result. `init`: the output's
   * initial contents (same type and length), copied into the output block before the kernel
   * runs unless the output block already is that array (e.g. gemm with beta ≠ 0 reads C).
   */
  output: { type: KernelArrayType; length: number; init?: KernelArray } | null;
  out?: KernelArray;
  dim: number[];
  scalar: number[];
  threads?: number;
  signal?: AbortSignal;
  /** Phantom: the resolved type, for the typed public API. */
  readonly __result?: R;
}

/** The part of a call that crosses to a worker in fallback mode (no signal, no `out`). */
export type WireKernelCall = Omit<KernelCall, 'signal' | 'out' | 'output'> & {
  output: { type: string; length: number; init?: KernelArray } | null;
};

export function typedArray<T extends KernelArray>(name: string, value: unknown, type: { new (n: number): T; name: string }): T {
  if (!(value instanceof type)) throw new WeftArgumentError(name, `a ${type.name}`, value);
  return value as T;
}

export const f32 = (name: string, value: unknown) => typedArray(name, value, Float32Array);

export function num(name: string, value: unknown): number {
  if (typeof value !== 'number') throw new WeftArgumentError(name, 'a number', value);
  return value;
}

/** A size or dimension: a non-negative integer that fits the 32-bit kernel ABI. */
export function dimension(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new WeftArgumentError(name, 'a non-negative integer', value);
  }
  return value;
}

export function requireLength(name: string, array: KernelArray, length: number, what: string): void {
  if (array.length !== length) throw new WeftArgumentError(name, `length ${length} (${what})`, array);
}

/** Validates the options common to every kernel; `output` tells what `out` must be. */
export function commonOptions(options: KernelOptions | undefined, output: KernelCall['output']) {
  const o = object('options', options);
  const result: Pick<KernelCall, 'threads' | 'signal' | 'out'> = {
    threads: o.threads === undefined ? undefined : threads('options.threads', o.threads),
    signal: signal('options.signal', o.signal),
  };
  if (o.out !== undefined) {
    if (output === null) throw new WeftArgumentError('options.out', 'nothing (this kernel returns a number)', o.out);
    const type = output.type as { new (n: number): KernelArray; name: string };
    requireLength('options.out', typedArray('options.out', o.out, type), output.length, 'the result length');
    result.out = o.out;
  }
  return result;
}

/** True if two arrays view overlapping bytes of the same buffer. */
export function overlaps(a: KernelArray, b: KernelArray): boolean {
  return (
    a.buffer === b.buffer &&
    a.byteLength > 0 &&
    b.byteLength > 0 &&
    a.byteOffset < b.byteOffset + b.byteLength &&
    b.byteOffset < a.byteOffset + a.byteLength
  );
}

/** Array types by name: for calls that cross to a fallback worker, and the types `rt.alloc` makes. */
export const ARRAY_TYPES: Record<string, KernelArrayType> = { Float32Array, Int32Array, Uint32Array, Uint8Array, Uint8ClampedArray };

export function toWire(call: KernelCall): WireKernelCall {
  const { signal: _signal, out: _out, output, __result: _r, ...rest } = call;
  return { ...rest, output: output && { type: output.type.name, length: output.length, init: output.init } };
}

export function fromWire(wire: WireKernelCall): KernelCall {
  return { ...wire, output: wire.output && { type: ARRAY_TYPES[wire.output.type], length: wire.output.length, init: wire.output.init } };
}

/**
 * Places a call's arrays in the shared heap (heap arrays by address, others copied in), runs
 * it, and returns the array or number result. Temporary blocks are freed whatever happens.
 */
export async function executeInHeap(
  heap: Heap,
  call: KernelCall,
  threadCount: number,
  run: (spec: JobSpec) => JobResult | Promise<JobResult>,
): Promise<KernelArray | number> {
  const temporaries: Array<[ptr: number, bytes: number]> = [];
  const temporary = (bytes: number) => {
    const ptr = heap.alloc(Math.max(4, bytes));
    temporaries.push([ptr, Math.max(4, bytes)]);
    return ptr;
  };
  try {
    const ptr = call.inputs.map((array) => {
      if (heap.contains(array)) return array.byteOffset;
      const at = temporary(array.byteLength);
      heap.u8().set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), at);
      return at;
    });
    const { output, out } = call;
    let outPtr = 0;
    if (output) {
      outPtr = out && heap.contains(out) ? out.byteOffset : temporary(output.length * output.type.BYTES_PER_ELEMENT);
      ptr.push(outPtr);
      const { init } = output;
      if (init && !(heap.contains(init) && init.byteOffset === outPtr)) {
        // copyWithin (memmove) when init is itself in the heap: it may overlap the output block.
        if (heap.contains(init)) heap.u8().copyWithin(outPtr, init.byteOffset, init.byteOffset + init.byteLength);
        else heap.u8().set(new Uint8Array(init.buffer, init.byteOffset, init.byteLength), outPtr);
      }
    }
    const { result } = await run({ kernel: call.kernel, name: call.name, ptr, dim: call.dim, scalar: call.scalar, threads: threadCount });
    if (!output) return result;
    if (out && heap.contains(out)) return out;
    const view = new output.type(heap.u8().buffer as ArrayBuffer, outPtr, output.length);
    const copy = out ?? new output.type(output.length);
    copy.set(view);
    return copy;
  } finally {
    for (const [p, bytes] of temporaries) heap.free(p, bytes);
  }
}
