/**
 * The shared heap: the one `WebAssembly.Memory` all threads share, allocated through the
 * kernel module's own allocator. Heap arrays handed to users are ordinary typed arrays
 * over the memory's SharedArrayBuffer; growth of a shared memory never detaches old buffers,
 * so they stay valid, and internal views are re-created whenever the buffer object changes.
 */
import { critical } from './critical.js';
import { OutOfMemoryError } from './errors.js';
import type { ArrayOf, KernelArray, KernelArrayType } from './kernels/index.js';
import type { KernelExports } from './wasm.js';

export class Heap {
  /** Every buffer object this thread has seen for the memory: how heap arrays are recognised. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private bytes!: Uint8Array;
  private view!: DataView;
  /** Sizes of arrays handed out by `allocArray`, for `freeArray`. */
  private readonly owned = new Map<number, number>();

  constructor(
    readonly memory: WebAssembly.Memory,
    private readonly exports: KernelExports,
    private readonly ctrl: Int32Array,
    /** This thread's worker index, -1 on the host. */
    private readonly worker: number,
  ) {
    this.refresh();
  }

  /** Raw allocation; throws OutOfMemoryError instead of returning 0. */
  alloc(bytes: number, align = 16): number {
    const ptr = this.guarded(() => this.exports.weft_alloc(bytes, align) >>> 0);
    if (ptr === 0) throw new OutOfMemoryError(bytes);
    return ptr;
  }

  free(ptr: number, bytes: number, align = 16): void {
    this.guarded(() => this.exports.weft_free(ptr, bytes, align));
  }

  private guarded<T>(fn: () => T): T {
    return critical(this.ctrl, this.worker, fn);
  }

  private refresh(): void {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }

  /** Bytes of the whole memory, current after any growth by any thread. */
  u8(): Uint8Array {
    if (this.bytes.buffer !== this.memory.buffer) this.refresh();
    return this.bytes;
  }

  dataView(): DataView {
    if (this.view.buffer !== this.memory.buffer) this.refresh();
    return this.view;
  }

  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** True when `array` views this memory, so it can be passed to a kernel by address. */
  contains(array: ArrayBufferView): boolean {
    if (this.buffers.has(array.buffer)) return true;
    if (array.buffer === this.memory.buffer) {
      this.refresh();
      return true;
    }
    return false;
  }

  allocArray<T extends KernelArrayType>(type: T, length: number): ArrayOf<T> {
    // Never zero bytes: every live array gets its own address, which is how freeArray finds it.
    const bytes = Math.max(4, length * type.BYTES_PER_ELEMENT);
    const ptr = this.alloc(bytes);
    this.owned.set(ptr, bytes);
    this.u8(); // the allocation may have grown the memory
    return new type(this.memory.buffer, ptr, length) as ArrayOf<T>;
  }

  /** Frees an array from `allocArray`; returns false if it was not one (or already freed). */
  freeArray(array: KernelArray): boolean {
    const bytes = this.owned.get(array.byteOffset);
    if (bytes === undefined || !this.contains(array)) return false;
    this.owned.delete(array.byteOffset);
    this.free(array.byteOffset, bytes);
    return true;
  }
}
