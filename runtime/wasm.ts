/**
 * Loading the kernel module: pick the build the engine supports (feature detection, never
 * user-agent sniffing), compile it once, and instantiate it on each thread against the one
 * shared memory with that thread's own stack and thread-local storage.
 */
import { loadBytes } from '#platform';
import { WeftError } from './errors.js';

export type SimdLevel = 'relaxed' | 'simd128';

/** The raw exports of kernels-rs (see kernels-rs/src/abi.rs for the contract). */
export interface KernelExports {
  weft_abi_version(): number;
  weft_job_size(): number;
  weft_alloc(size: number, align: number): number;
  weft_free(ptr: number, size: number, align: number): void;
  weft_plan(job: number): number;
  weft_chunk(job: number, chunk: number): void;
  weft_finish(job: number): void;
  __wasm_init_tls(ptr: number): void;
  __stack_pointer: WebAssembly.Global;
  __tls_size: WebAssembly.Global;
  __tls_align: WebAssembly.Global;
}

export const ABI_VERSION = 2;
/** Stack for each pool thread. Kernels keep big buffers on the heap, so this is generous. */
export const THREAD_STACK_BYTES = 512 * 1024;

/**
 * A module whose one function uses `f32x4.relaxed_madd`; it validates only where relaxed SIMD
 * is supported (Chromium by default; Node 20 only behind a flag).
 */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // func 0 has type 0
  0x0a, 0x1c, 0x01, 0x1a, 0x00, // code: 1 body of 26 bytes, no locals
  0x43, 0, 0, 0, 0, 0xfd, 0x13, // f32.const 0; f32x4.splat
  0x43, 0, 0, 0, 0, 0xfd, 0x13,
  0x43, 0, 0, 0, 0, 0xfd, 0x13,
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b,
]);

export function detectSimd(): SimdLevel {
  return WebAssembly.validate(RELAXED_PROBE) ? 'relaxed' : 'simd128';
}

export interface CompiledKernels {
  module: WebAssembly.Module;
  simd: SimdLevel;
  /** The memory import's limits in 64 KiB pages, read from the binary. */
  memory: { initial: number; maximum: number };
}

export async function compileKernels(simd: SimdLevel = detectSimd()): Promise<CompiledKernels> {
  if (simd === 'relaxed' && detectSimd() !== 'relaxed') {
    throw new WeftError('UNSUPPORTED', 'this engine does not support relaxed SIMD (options.simd)');
  }
  const url = new URL(`../wasm/weft_kernels.${simd}.wasm`, import.meta.url);
  const bytes = await loadBytes(url);
  const module = await WebAssembly.compile(bytes);
  return { module, simd, memory: readMemoryImport(bytes) };
}

/** The first instance on a memory: it initializes the data segments and uses the static stack. */
export function instantiateFirst(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  if (exports.weft_abi_version() !== ABI_VERSION) {
    throw new Error(`weft: kernel module ABI ${exports.weft_abi_version()} does not match runtime ABI ${ABI_VERSION}`);
  }
  return exports;
}

/** Stack and TLS block for one more thread, carved from the heap by the first instance. */
export interface ThreadMemory {
  stackTop: number;
  tls: number;
}

export function instantiateThread(
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  thread: ThreadMemory,
): KernelExports {
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  // Before anything else runs on this instance: its globals start out pointing at the first
  // thread's stack and TLS, which that thread is using.
  exports.__stack_pointer.value = thread.stackTop;
  exports.__wasm_init_tls(thread.tls);
  return exports;
}

/** Reads the limits of the `env.memory` import from the module's import section. */
function readMemoryImport(bytes: Uint8Array): { initial: number; maximum: number } {
  let at = 8;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[at++];
      result |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return result >>> 0;
      shift += 7;
    }
  };
  const skipName = () => {
    const len = u32();
    at += len;
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = u32();
    const end = at + size;
    if (id === 2) {
      for (let count = u32(); count > 0; count--) {
        skipName();
        skipName();
        const kind = bytes[at++];
        if (kind === 2) {
          const flags = bytes[at++];
          const initial = u32();
          const maximum = flags & 1 ? u32() : 65536;
          return { initial, maximum };
        }
        if (kind === 0) u32();
        else if (kind === 1) { at++; const f = bytes[at++]; u32(); if (f & 1) u32(); }
        else if (kind === 3) at += 2;
        else throw new Error(`weft: unexpected import kind ${kind}`);
      }
    }
    at = end;
  }
  throw new Error('weft: kernel module imports no memory');
}
