/**
 * Every kernel weft offers, as one table of validating builders. The public `rt.kernels` is
 * derived from this table, so adding a kernel means adding a builder to a family here.
 */
import { blas, blasIds } from './blas.js';
import type { KernelCall } from './call.js';
import { data, dataIds } from './data.js';
import { image, imageIds } from './image.js';

export const kernelBuilders = { ...blas, ...image, ...data };

const ids: Record<string, number> = { ...blasIds, ...imageIds, ...dataIds };
const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
export const kernelName = (id: number): string => names[id] ?? `kernel ${id}`;

type Builders = typeof kernelBuilders;
type ResultOf<C> = C extends KernelCall<infer R> ? R : never;
/** `rt.kernels`: each builder's arguments, resolving to its result. */
export type KernelApi = {
  [K in keyof Builders]: (...args: Parameters<Builders[K]>) => Promise<ResultOf<ReturnType<Builders[K]>>>;
};

export type { KernelCall, KernelOptions, KernelArray, KernelArrayType, ArrayOf, WireKernelCall } from './call.js';
export type { MatmulOptions, GemmOptions, BatchedMatmulOptions } from './blas.js';
export type { SortableArray, SortOptions, ArgsortOptions, PrefixSumOptions, HistogramOptions, MatrixOptions } from './data.js';
export type { GaussianBlurOptions, BoxBlurOptions, Conv2dOptions, MandelbrotOptions } from './image.js';
export { ARRAY_TYPES, executeInHeap, toWire, fromWire } from './call.js';
