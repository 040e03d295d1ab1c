// IMAGE family cases of the kernel bench (bench/kernels.js): Gaussian and box blur, conv2d,
// Mandelbrot, each against its plain-JS reference (test/shared/image-reference.js, the same
// code the tests check the kernels against) measured in the same run.
//
// A case is { kernel, size, unit, setup(rt) } where setup returns
//   { work,                    // units of `unit` × its divisor per call (pixels, flops)
//     weft(threads),           // one kernel call on heap arrays (zero-copy), awaited
//     weftPlain(threads)?,     // the same on ordinary arrays (copied into the heap and out)
//     js(),                    // the plain-JS baseline, returns its result
//     check(jsResult),         // throws if the last weft result differs from the reference
//     dispose() }
import {
  boxBlurRef,
  conv2dRef,
  gaussianBlurRef,
  mandelbrotRef,
  randomRgba,
} from '../test/shared/image-reference.js';
import { fillRandom } from './timing.js';

export const family = 'image';

function sameBytes(got, want, what) {
  if (got.length !== want.length) throw new Error(`${what}: length ${got.length}, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) throw new Error(`${what}: byte ${i} is ${got[i]}, expected ${want[i]} (JS reference)`);
  }
}

function blurCase(kernel, width, height, radius) {
  const ref = kernel === 'gaussianBlur' ? gaussianBlurRef : boxBlurRef;
  return {
    kernel,
    size: `${width}×${height}, r=${radius}`,
    unit: 'Mpixel/s',
    setup(rt) {
      const n = width * height * 4;
      const src = rt.alloc(Uint8ClampedArray, n), out = rt.alloc(Uint8ClampedArray, n);
      src.set(randomRgba(width + height + radius, n));
      const plainSrc = src.slice();
      const opts = { width, height, radius };
      let last = null;
      return {
        work: width * height,
        weft: async (threads) => { last = await rt.kernels[kernel](src, { ...opts, out, threads }); },
        weftPlain: async (threads) => { last = await rt.kernels[kernel](plainSrc, { ...opts, threads }); },
        js: () => ref(plainSrc, width, height, radius),
        check: (want) => sameBytes(last, want, `${kernel} ${width}×${height} r=${radius}`),
        dispose: () => { rt.free(src); rt.free(out); },
      };
    },
  };
}

function convCase(width, height, k) {
  return {
    kernel: 'conv2d',
    size: `${width}×${height}, k=${k}`,
    unit: 'GFLOP/s',
    setup(rt) {
      const x = fillRandom(rt.alloc(Float32Array, width * height), 3);
      const f = fillRandom(rt.alloc(Float32Array, k * k), 4);
      const out = rt.alloc(Float32Array, width * height);
      const plainX = x.slice(), plainF = f.slice();
      const opts = { width, height, k };
      let last = null;
      return {
        work: 2 * k * k * width * height, // flops of the interior (edges do fewer)
        weft: async (threads) => { last = await rt.kernels.conv2d(x, f, { ...opts, out, threads }); },
        weftPlain: async (threads) => { last = await rt.kernels.conv2d(plainX, plainF, { ...opts, threads }); },
        js: () => conv2dRef(plainX, plainF, width, height, k, { bound: false }),
        check: () => {
          const { out: want, bound } = conv2dRef(plainX, plainF, width, height, k);
          for (let i = 0; i < want.length; i++) {
            if (!(Math.abs(last[i] - want[i]) <= bound[i] * 2 ** -20 + 1e-30)) {
              throw new Error(`conv2d ${width}×${height} k=${k}: [${i}] = ${last[i]}, expected ${want[i]}`);
            }
          }
        },
        dispose: () => { rt.free(x); rt.free(f); rt.free(out); },
      };
    },
  };
}

function mandelbrotCase(label, view) {
  return {
    kernel: 'mandelbrot',
    size: `${view.width}×${view.height}, ${label}, maxIter ${view.maxIter}`,
    unit: 'Mpixel/s',
    setup(rt) {
      const out = rt.alloc(Uint8ClampedArray, view.width * view.height * 4);
      let last = null;
      return {
        work: view.width * view.height,
        weft: async (threads) => { last = await rt.kernels.mandelbrot({ ...view, out, threads }); },
        // The baseline is the natural plain-JS renderer, in f64; the check uses the exact
        // reference (f32 for coarse views, like the kernel), outside the timing.
        js: () => mandelbrotRef(view, { f64: true }),
        check: () => sameBytes(last, mandelbrotRef(view), `mandelbrot ${label}`),
        dispose: () => rt.free(out),
      };
    },
  };
}

export const cases = [
  blurCase('gaussianBlur', 1024, 1024, 2),
  blurCase('gaussianBlur', 1024, 1024, 8),
  blurCase('gaussianBlur', 1024, 1024, 32),
  blurCase('boxBlur', 1024, 1024, 2),
  blurCase('boxBlur', 1024, 1024, 32),
  blurCase('boxBlur', 2048, 2048, 8),
  convCase(1024, 1024, 3),
  convCase(1024, 1024, 7),
  mandelbrotCase('whole set', { width: 1024, height: 768, centerX: -0.6, centerY: 0, scale: 3.2 / 768, maxIter: 256 }),
  mandelbrotCase('seahorse valley', { width: 1024, height: 768, centerX: -0.743643887037151, centerY: 0.13182590420533, scale: 1e-5 / 768, maxIter: 2000 }),
];
