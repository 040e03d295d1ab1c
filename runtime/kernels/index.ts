/**
 * Every kernel weft offers, as one table of validating builders. The public `rt.kernels` is
 * derived from this table, so adding a kernel means adding a builder to a family here.
 */
import { blas, blasIds } from './blas.js';
import type { KernelCall } from './call.js';

export const kernelBuilders = { ...blas };

const ids: Record<string, number> = { ...blasIds };
const names = Object.fromEntries(Object.entries(ids).map(([name, id]) => [id, name]));
export const kernelName = (id: number): string => names[id] ?? `kernel ${id}`;

type Builders = typeof kernelBuilders;
type ResultOf<C> = C extends KernelCall<infer R> ? R : never;
/** `rt.kernels`: each builder's arguments, resolving to its result. */
export type KernelApi = {
  [K in keyof Builders]: (...args: Parameters<Builders[K]>) => Promise<ResultOf<ReturnType<Builders[K]>>>;
};

export type { KernelCall, KernelOptions, KernelArray, WireKernelCall } from './call.js';
export type { MatmulOptions } from './blas.js';
export { executeInHeap, toWire, fromWire } from './call.js';
