// Heap arrays: rt.alloc / rt.free, used as inputs and as `out` (zero-copy), across memory growth.
import { useRuntime } from './harness.js';
import { randomF32, refAdd, refMul, refScale, refAxpy, refSum, refMin, refMax, refDot } from './reference.js';
import { KERNELS, ELEMENTWISE, REDUCTIONS, checkExact, checkAxpy, checkReduction, checkMatmul } from './checks.js';
import { equal, numEqual, ok, fmt, isFloat32Array, fail, throwsOrRejects } from './assert.js';
import { gaussianBlurRef, randomRgba } from './image-reference.js';
import { refArgsort, refHistogram, refSort } from './data-reference.js';
import { sameValues } from './data.js';

/** Every array type a kernel takes, so every one can live in the heap. */
const HEAP_TYPES = [Float32Array, Int32Array, Uint32Array, Uint8Array, Uint8ClampedArray];

export function heapSuite(env) {
  const { describe, it } = env;
  const { WeftError } = env;
  describe('heap arrays', () => {
    const rt = useRuntime(env);
    const heapOf = (data) => { const h = rt().alloc(Float32Array, data.length); h.set(data); return h; };

    it('alloc returns a real Float32Array of the requested length', async () => {
      for (const n of [1, 3, 4, 1000, 65537]) {
        const h = rt().alloc(Float32Array, n);
        isFloat32Array(h, n, `alloc(Float32Array, ${n})`);
        ok(Object.getPrototypeOf(h) === Float32Array.prototype || h instanceof Float32Array, 'alloc: not a Float32Array');
        if (env.expectedMode === 'shared') {
          ok(typeof SharedArrayBuffer === 'function' && h.buffer instanceof SharedArrayBuffer,
            `alloc in mode 'shared': expected the array to live in a SharedArrayBuffer, got ${h.buffer && h.buffer.constructor.name}`);
        }
        h.fill(1.5);
        ok(h.every((v) => v === 1.5), `alloc(${n}): could not fill`);
        rt().free(h);
      }
    });

    it('alloc(Float32Array, 0) gives an empty array usable in a kernel', async () => {
      const h = rt().alloc(Float32Array, 0);
      isFloat32Array(h, 0, 'alloc(Float32Array, 0)');
      numEqual(await rt().kernels.sum(h), 0, 'sum(empty heap array)');
      rt().free(h);
    });

    it('live allocations do not overlap', async () => {
      const hs = [5, 16, 17, 1000, 4097, 3].map((n, i) => { const h = rt().alloc(Float32Array, n); h.fill(i + 1); return h; });
      hs.forEach((h, i) => ok(h.every((v) => v === i + 1), `allocation ${i} (length ${h.length}) was overwritten by another one: ${fmt(h)}`));
      // free one in the middle, allocate again, the others must stay intact
      rt().free(hs[2]);
      const again = rt().alloc(Float32Array, 17);
      again.fill(-9);
      hs.forEach((h, i) => { if (i !== 2) ok(h.every((v) => v === i + 1), `after free+alloc, allocation ${i} was overwritten: ${fmt(h)}`); });
      hs.forEach((h, i) => { if (i !== 2) rt().free(h); });
      rt().free(again);
    });

    it('alloc gives every kernel array type, 16-byte aligned, none overlapping another, each freed once', async () => {
      const shared = env.expectedMode === 'shared';
      const live = [];
      for (const type of HEAP_TYPES) {
        for (const n of [0, 1, 3, 17, 4097]) {
          const h = rt().alloc(type, n);
          const what = `alloc(${type.name}, ${n})`;
          ok(h instanceof type, `${what}: expected a ${type.name}, got ${h && h.constructor.name}`);
          equal(h.length, n, `${what}: length`);
          if (shared) {
            ok(h.buffer instanceof SharedArrayBuffer, `${what}: expected it in the shared heap, got a ${h.buffer.constructor.name}`);
            equal(h.byteOffset % 16, 0, `${what}: byteOffset modulo 16`);
          }
          h.fill(live.length + 1);
          live.push(h);
        }
      }
      live.forEach((h, i) => ok(h.every((v) => v === i + 1), `${h.constructor.name}(${h.length}) #${i} was overwritten by another allocation: ${fmt(h)}`));
      for (const h of live) {
        equal(rt().free(h), shared, `free(${h.constructor.name}(${h.length})) the first time`);
        equal(rt().free(h), false, `free(${h.constructor.name}(${h.length})) a second time`);
      }
    });

    it('alloc names the bad argument: a type kernels do not take, a bad length', async () => {
      for (const type of [Float64Array, Int16Array, Array, BigInt64Array, undefined, 'Float32Array']) {
        await throwsOrRejects(() => rt().alloc(type, 4), { code: 'INVALID_ARGUMENT', argument: 'type', WeftError }, `alloc(${fmt(type)}, 4)`);
      }
      for (const length of [-1, 1.5, NaN, '4', undefined]) {
        await throwsOrRejects(() => rt().alloc(Int32Array, length), { code: 'INVALID_ARGUMENT', argument: 'length', WeftError }, `alloc(Int32Array, ${fmt(length)})`);
      }
      equal(rt().free(new Uint8ClampedArray(8)), false, 'free(an array that is not from alloc)');
    });

    it('heap arrays of every type are used in place: an RGBA image, integer sorts, argsort and histogram outputs', async () => {
      const [width, height, radius] = [67, 45, 3];
      const pixels = randomRgba(7919, width * height * 4);
      const src = rt().alloc(Uint8ClampedArray, pixels.length), dst = rt().alloc(Uint8ClampedArray, pixels.length);
      src.set(pixels);
      const blurred = await rt().kernels.gaussianBlur(src, { width, height, radius, out: dst });
      ok(blurred === dst, 'gaussianBlur(heap Uint8ClampedArray, { out: heap array }): expected out back');
      sameValues(dst, gaussianBlurRef(pixels, width, height, radius), 'gaussianBlur from and into heap Uint8ClampedArrays');
      [src, dst].forEach((h) => rt().free(h));

      for (const type of [Int32Array, Uint32Array]) {
        const n = 10007;
        const keys = type.from(randomF32(`heap/sort/${type.name}`, n, -1e6, 1e6), (v) => Math.round(v));
        const h = rt().alloc(type, n), order = rt().alloc(Uint32Array, n);
        h.set(keys);
        const idx = await rt().kernels.argsort(h, { out: order });
        ok(idx === order, `argsort(heap ${type.name}, { out: heap Uint32Array }): expected out back`);
        sameValues(order, refArgsort(keys), `argsort of a heap ${type.name}`);
        const sorted = await rt().kernels.sort(h, { out: h });
        ok(sorted === h, `sort(heap ${type.name}, { out: itself }): expected the array back`);
        sameValues(h, refSort(keys), `sort of a heap ${type.name} in place`);
        [h, order].forEach((a) => rt().free(a));
      }

      const x = heapOf(randomF32('heap/hist', 5001, -1, 1)), counts = rt().alloc(Uint32Array, 16);
      const got = await rt().kernels.histogram(x, { bins: 16, range: [-1, 1], out: counts });
      ok(got === counts, 'histogram(…, { out: heap Uint32Array }): expected out back');
      sameValues(counts, refHistogram(x, { bins: 16, range: [-1, 1] }), 'histogram into a heap Uint32Array');
      [x, counts].forEach((a) => rt().free(a));
    });

    for (const name of [...ELEMENTWISE, ...REDUCTIONS]) {
      const K = KERNELS[name];
      it(`${name}: heap arrays as inputs (alone and mixed with plain arrays)`, async () => {
        for (const n of [1, 7, 4097, 100003]) {
          const plain = Array.from({ length: K.inputs }, (_, j) => randomF32(`heap/${name}/${n}/${j}`, n, -2, 2));
          const heap = plain.map(heapOf);
          K.check(await K.call(rt(), heap, undefined, 1.25), plain, `${name}(heap inputs, n=${n})`, 1.25);
          if (K.inputs === 2) {
            K.check(await K.call(rt(), [heap[0], plain[1]], undefined, 1.25), plain, `${name}(heap x, plain y, n=${n})`, 1.25);
            K.check(await K.call(rt(), [plain[0], heap[1]], undefined, 1.25), plain, `${name}(plain x, heap y, n=${n})`, 1.25);
          }
          heap.forEach((h, j) => numEqual(h.length, n, `${name}: heap input ${j} length after the call`));
          heap.forEach((h) => rt().free(h));
        }
      });
    }

    for (const name of ELEMENTWISE) {
      const K = KERNELS[name];
      it(`${name}: out = a heap array is written in place and returned`, async () => {
        for (const n of [1, 5, 4097, 100003]) {
          const inputs = Array.from({ length: K.inputs }, (_, j) => randomF32(`out/${name}/${n}/${j}`, n, -2, 2));
          const out = rt().alloc(Float32Array, n);
          out.fill(12345);
          const got = await K.call(rt(), inputs, { out }, -0.5);
          ok(got === out, `${name}(…, { out }) (n=${n}): expected the very same out array back, got ${fmt(got)}`);
          K.check(out, inputs, `${name}(n=${n}) read through out`, -0.5);
          // heap inputs and heap out
          const heap = inputs.map(heapOf);
          out.fill(-1);
          const got2 = await K.call(rt(), heap, { out }, -0.5);
          ok(got2 === out, `${name}(heap inputs, { out }): expected out back`);
          K.check(out, inputs, `${name}(heap inputs, n=${n}) read through out`, -0.5);
          heap.forEach((h) => rt().free(h));
          rt().free(out);
        }
      });

      it(`${name}: out aliasing an input (in place)`, async () => {
        const n = 4099;
        for (let j = 0; j < K.inputs; j++) {
          const inputs = Array.from({ length: K.inputs }, (_, i) => randomF32(`alias/${name}/${i}`, n, -2, 2));
          const want = inputs.map((a) => a.slice());
          const heap = inputs.map(heapOf);
          const got = await K.call(rt(), heap, { out: heap[j] }, 3);
          ok(got === heap[j], `${name} with out = input ${j}: expected that array back`);
          K.check(heap[j], want, `${name} in place into input ${j}`, 3);
          heap.forEach((h) => rt().free(h));
        }
      });
    }

    it('matmul: heap inputs and heap out', async () => {
      const [m, k, n] = [65, 33, 70];
      const a = randomF32('heap/mm/a', m * k), b = randomF32('heap/mm/b', k * n);
      const ha = heapOf(a), hb = heapOf(b), out = rt().alloc(Float32Array, m * n);
      checkMatmul(await rt().kernels.matmul(ha, hb, { m, k, n }), a, b, m, k, n, 'matmul(heap a, heap b)');
      const got = await rt().kernels.matmul(ha, b, { m, k, n, out });
      ok(got === out, 'matmul(…, { m, k, n, out }): expected out back');
      checkMatmul(out, a, b, m, k, n, 'matmul into heap out');
      [ha, hb, out].forEach((h) => rt().free(h));
    });

    it('subarrays of heap arrays (unaligned offsets) as inputs', async () => {
      const n = 4101;
      const hx = heapOf(randomF32('sub/x', n + 8, -2, 2)), hy = heapOf(randomF32('sub/y', n + 8, -2, 2));
      for (const off of [1, 2, 3, 4, 5]) {
        const x = hx.subarray(off, off + n), y = hy.subarray(off + 1, off + 1 + n);
        const px = x.slice(), py = y.slice();
        checkExact(await rt().kernels.add(x, y), refAdd(px, py), `add(heap subarrays at offsets ${off}, ${off + 1})`);
        checkExact(await rt().kernels.mul(x, y), refMul(px, py), `mul(heap subarrays at offset ${off})`);
        checkAxpy(await rt().kernels.axpy(0.75, x, y), refAxpy(0.75, px, py), `axpy(heap subarrays at offset ${off})`);
        checkExact(await rt().kernels.scale(-3, x), refScale(-3, px), `scale(heap subarray at offset ${off})`);
        checkReduction(await rt().kernels.sum(x), refSum(px), `sum(heap subarray at offset ${off})`);
        checkReduction(await rt().kernels.dot(x, y), refDot(px, py), `dot(heap subarrays at offset ${off})`);
        numEqual(await rt().kernels.min(x), refMin(px), `min(heap subarray at offset ${off})`);
        numEqual(await rt().kernels.max(x), refMax(px), `max(heap subarray at offset ${off})`);
      }
      // plain-array subarrays too
      const big = randomF32('sub/plain', n + 3, -2, 2);
      const x = big.subarray(3), px = x.slice();
      checkExact(await rt().kernels.scale(2, x), refScale(2, px), 'scale(plain subarray at offset 3)');
      checkReduction(await rt().kernels.sum(x), refSum(px), 'sum(plain subarray at offset 3)');
      rt().free(hx);
      rt().free(hy);
    });

    it('heap arrays survive memory growth', async () => {
      const early = heapOf(randomF32('grow/early', 4097, -2, 2));
      const earlyCopy = early.slice();
      const earlyOut = rt().alloc(Float32Array, 4097);
      const shared = env.expectedMode === 'shared';
      const before = rt().info().memoryBytes;
      if (shared) ok(typeof before === 'number' && before > 0, `info().memoryBytes: expected a positive number, got ${fmt(before)}`);
      // Bigger than the whole current heap: must grow it. (Mode 'fallback' has no shared heap:
      // heap arrays are ordinary arrays there, but must behave the same.)
      const bigLen = Math.floor((before || 0) / 4) + (1 << 24);
      const big = rt().alloc(Float32Array, bigLen);
      isFloat32Array(big, bigLen, `alloc(Float32Array, ${bigLen})`);
      const after = rt().info().memoryBytes;
      if (shared) ok(after > before, `memory did not grow: memoryBytes ${before} -> ${after} after allocating ${bigLen * 4} bytes`);
      // The early array must still be usable, through the same object.
      equal(early.length, 4097, 'early heap array length after growth');
      for (let i = 0; i < early.length; i++) {
        if (!Object.is(early[i], earlyCopy[i])) fail(`early heap array changed after growth at [${i}]: ${fmt(earlyCopy[i])} -> ${fmt(early[i])}`);
      }
      checkReduction(await rt().kernels.sum(early), refSum(earlyCopy), 'sum(early heap array) after growth');
      const got = await rt().kernels.add(early, early, { out: earlyOut });
      ok(got === earlyOut, 'add(…, { out: early heap array }) after growth: expected out back');
      checkExact(earlyOut, refAdd(earlyCopy, earlyCopy), 'add into an early heap out after growth');
      // The big array is usable too.
      big.fill(0.25);
      big[0] = -7;
      big[bigLen - 1] = 9;
      numEqual(await rt().kernels.min(big), -7, 'min(big heap array)');
      numEqual(await rt().kernels.max(big), 9, 'max(big heap array)');
      const s = await rt().kernels.sum(big);
      const want = 0.25 * (bigLen - 2) + 2;
      ok(Math.abs(s - want) <= 1e-5 * (0.25 * bigLen + 16), `sum(big heap array): expected ${want}, got ${fmt(s)}`);
      rt().free(big);
      // And a fresh allocation after growth, used with the early one.
      const late = heapOf(randomF32('grow/late', 4097, -2, 2));
      checkExact(await rt().kernels.mul(early, late), refMul(earlyCopy, late.slice()), 'mul(early, late heap arrays)');
      [early, earlyOut, late].forEach((h) => rt().free(h));
    });
  });
}
