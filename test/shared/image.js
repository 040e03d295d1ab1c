// Image kernels (gaussianBlur, boxBlur, conv2d, mandelbrot) against the plain-JS references in
// image-reference.js. The blurs and Mandelbrot are exact: every byte must match. conv2d must
// match the unfused f32 reference exactly on the SIMD128 build and within a few f32 roundings of
// Σ|f·x| on the relaxed (fused multiply-add) build; on integer-valued data it is exact on both.
import { useRuntime, snapshot } from './harness.js';
import { randomF32 } from './reference.js';
import {
  boxBlurRef,
  conv2dRef,
  escapeCount,
  escapeCountF32,
  gaussianBlurRef,
  gaussianWeights,
  mandelbrotColour,
  mandelbrotCount,
  mandelbrotPoint,
  mandelbrotRef,
  mandelbrotUsesF32,
  randomRgba,
} from './image-reference.js';
import { checkWeftError, equal, fail, fmt, ok, rejects, sameBits } from './assert.js';

/** Shapes hitting 1-pixel sides, odd sizes, non-multiples of 2/4/8/16/64, several chunks. */
const SHAPES = [
  [1, 1], [1, 13], [13, 1], [2, 3], [3, 2], [5, 7], [7, 5], [8, 8], [9, 17], [16, 16],
  [17, 33], [63, 4], [65, 9], [127, 31], [200, 150], [333, 97],
];
const RADII = [0, 1, 2, 3, 7, 20];

/** Byte-exact comparison of two RGBA images, reporting the first mismatching pixel. */
function sameImage(got, want, width, label) {
  if (!(got instanceof Uint8ClampedArray)) fail(`${label}: expected a Uint8ClampedArray, got ${fmt(got)}`);
  if (got.length !== want.length) fail(`${label}: expected length ${want.length}, got ${got.length}`);
  let count = 0, first = -1;
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      if (first < 0) first = i;
      count++;
    }
  }
  if (count) {
    const px = first >> 2, x = px % width, y = Math.floor(px / width);
    const pixel = (a) => `[${Array.from(a.subarray(px * 4, px * 4 + 4)).join(', ')}]`;
    fail(`${label}: ${count} of ${want.length} bytes differ; first at pixel (${x}, ${y}): expected ${pixel(want)}, got ${pixel(got)}`);
  }
}

/** conv2d result vs the unfused reference: exact when `exact`, else |Δ| ≤ 2^-20·(Σ|f·x|) + tiny. */
function checkConv(got, ref, label, exact) {
  if (!(got instanceof Float32Array) || got.length !== ref.out.length) fail(`${label}: expected a Float32Array(${ref.out.length}), got ${fmt(got)}`);
  const bad = [];
  for (let i = 0; i < got.length; i++) {
    const g = got[i], w = ref.out[i];
    let good;
    if (!Number.isFinite(w)) good = Object.is(g, w) || (Number.isNaN(w) && Number.isNaN(g));
    else if (exact) good = g === w;
    else good = Math.abs(g - w) <= ref.bound[i] * 2 ** -20 + 1e-30;
    if (!good && bad.length < 5) bad.push(`[${i}]: expected ${fmt(w)}${exact ? '' : ` ± ${(ref.bound[i] * 2 ** -20).toExponential(2)}`}, got ${fmt(g)}`);
  }
  if (bad.length) fail(`${label}: ${bad.join('; ')}`);
}

export function imageSuite(env) {
  const { describe, it, WeftError } = env;
  describe('image kernels', () => {
    const rt = useRuntime(env);
    /** True when conv2d may fuse (relaxed SIMD build): then compare within a tolerance. */
    const fused = () => rt().info().simd === 'relaxed';

    describe('gaussianBlur', () => {
      for (const [w, h] of SHAPES) {
        it(`random ${w}×${h}, radius ${RADII.join('/')}`, async () => {
          for (const radius of RADII) {
            const src = randomRgba(w * 1000 + h * 7 + radius, w * h * 4);
            const copy = src.slice();
            const got = await rt().kernels.gaussianBlur(src, { width: w, height: h, radius });
            sameImage(got, gaussianBlurRef(src, w, h, radius), w, `gaussianBlur ${w}×${h} r=${radius}`);
            sameImage(src, copy, w, 'gaussianBlur left its input alone');
          }
        });
      }

      it('explicit sigma, tiny and huge sigma, radius larger than the image, radius 255', async () => {
        const cases = [
          [31, 17, 5, 0.7], [31, 17, 5, 10], [31, 17, 9, 0.1], [31, 17, 9, 1e9],
          [5, 3, 40, 20], [3, 2, 255, 127.5], [1, 1, 255, undefined], [64, 48, 255, 60],
        ];
        for (const [w, h, radius, sigma] of cases) {
          const src = randomRgba(w + 31 * h + radius, w * h * 4);
          const got = await rt().kernels.gaussianBlur(src, { width: w, height: h, radius, sigma });
          sameImage(got, gaussianBlurRef(src, w, h, radius, sigma), w, `gaussianBlur ${w}×${h} r=${radius} σ=${sigma}`);
        }
      });

      it('radius 0 is a copy; a constant image stays constant; weights sum to 2^14', async () => {
        const src = randomRgba(5, 37 * 21 * 4);
        sameImage(await rt().kernels.gaussianBlur(src, { width: 37, height: 21, radius: 0 }), src, 37, 'radius 0');
        for (const v of [0, 1, 127, 255]) {
          const flat = new Uint8ClampedArray(40 * 30 * 4).fill(v);
          const got = await rt().kernels.gaussianBlur(flat, { width: 40, height: 30, radius: 12 });
          sameImage(got, flat, 40, `constant ${v}`);
        }
        for (const [r, s] of [[1, 0.5], [10, 5], [255, 127.5], [255, 3]]) {
          const q = gaussianWeights(r, s);
          let sum = q[0];
          for (let i = 1; i <= r; i++) sum += 2 * q[i];
          equal(sum, 1 << 14, `Σ weights r=${r} σ=${s}`);
        }
      });
    });

    describe('boxBlur', () => {
      for (const [w, h] of SHAPES) {
        it(`random ${w}×${h}, radius ${RADII.join('/')}`, async () => {
          for (const radius of RADII) {
            const src = randomRgba(w * 997 + h * 13 + radius, w * h * 4);
            const got = await rt().kernels.boxBlur(src, { width: w, height: h, radius });
            sameImage(got, boxBlurRef(src, w, h, radius), w, `boxBlur ${w}×${h} r=${radius}`);
          }
        });
      }

      it('radius larger than the image, radius 48/49/120/255, radius 0, constant images', async () => {
        // 48 and 49: either side of the kernel's f32/f64 switch for the division.
        for (const [w, h, radius] of [[5, 3, 40], [2, 7, 255], [300, 4, 255], [1, 1, 3], [140, 120, 48], [140, 120, 49], [70, 60, 120]]) {
          const src = randomRgba(w * h + radius, w * h * 4);
          sameImage(await rt().kernels.boxBlur(src, { width: w, height: h, radius }), boxBlurRef(src, w, h, radius), w, `boxBlur ${w}×${h} r=${radius}`);
        }
        const src = randomRgba(9, 33 * 9 * 4);
        sameImage(await rt().kernels.boxBlur(src, { width: 33, height: 9, radius: 0 }), src, 33, 'radius 0');
        const flat = new Uint8ClampedArray(50 * 20 * 4).fill(201);
        sameImage(await rt().kernels.boxBlur(flat, { width: 50, height: 20, radius: 17 }), flat, 50, 'constant');
      });

      it('is the rounded mean of the window (3×3 of a known image)', async () => {
        // Channel 0 holds 0..8 row-major; radius 1 at the centre averages all nine: 36/9 = 4.
        const src = new Uint8ClampedArray(9 * 4);
        for (let i = 0; i < 9; i++) src[i * 4] = i * 10;
        const got = await rt().kernels.boxBlur(src, { width: 3, height: 3, radius: 1 });
        equal(got[4 * 4], 40, 'centre');
        // Corner (0,0): replicated edges → (4·0 + 2·10 + 2·30 + 40) / 9 = 120/9 = 13.33 → 13.
        equal(got[0], 13, 'corner');
      });
    });

    describe('blur options', () => {
      it('out (a given array, also the input itself) and empty images', async () => {
        for (const name of ['gaussianBlur', 'boxBlur']) {
          const w = 45, h = 38, radius = 4;
          const src = randomRgba(77, w * h * 4);
          const want = name === 'boxBlur' ? boxBlurRef(src, w, h, radius) : gaussianBlurRef(src, w, h, radius);
          const out = new Uint8ClampedArray(w * h * 4);
          const got = await rt().kernels[name](src, { width: w, height: h, radius, out });
          ok(got === out, `${name}: returns the given out`);
          sameImage(out, want, w, `${name} into out`);
          const inPlace = src.slice();
          await rt().kernels[name](inPlace, { width: w, height: h, radius, out: inPlace });
          sameImage(inPlace, want, w, `${name} in place`);
          for (const [ew, eh] of [[0, 0], [0, 5], [7, 0]]) {
            const e = await rt().kernels[name](new Uint8ClampedArray(0), { width: ew, height: eh, radius });
            ok(e instanceof Uint8ClampedArray && e.length === 0, `${name} ${ew}×${eh}: empty result`);
          }
        }
      });
    });

    describe('conv2d', () => {
      const conv = (x, f, width, height, k, o) => rt().kernels.conv2d(x, f, { width, height, k, ...o });
      for (const [w, h] of [...SHAPES, [400, 301]]) {
        it(`random ${w}×${h}, k = 1/3/5/7/11`, async () => {
          for (const k of [1, 3, 5, 7, 11]) {
            const x = randomF32(`conv/x/${w}/${h}/${k}`, w * h), f = randomF32(`conv/f/${k}`, k * k);
            const copies = snapshot([x, f]);
            const got = await conv(x, f, w, h, k);
            checkConv(got, conv2dRef(x, f, w, h, k), `conv2d ${w}×${h} k=${k}`, !fused());
            sameBits(x, copies[0], 'conv2d left x alone');
          }
        });
      }

      it('integer-valued data is exact on every build; k = 1 scales', async () => {
        for (const [w, h, k] of [[37, 29, 3], [70, 41, 5], [9, 9, 9], [130, 3, 7]]) {
          const x = new Float32Array(w * h).map((_, i) => ((i * 7) % 11) - 5);
          const f = new Float32Array(k * k).map((_, i) => ((i * 5) % 7) - 3);
          checkConv(await conv(x, f, w, h, k), conv2dRef(x, f, w, h, k), `integer conv2d ${w}×${h} k=${k}`, true);
        }
        const x = randomF32('conv/k1', 50 * 20);
        const got = await conv(x, new Float32Array([0.5]), 50, 20, 1);
        sameBits(got, x.map((v) => v * 0.5), 'k=1 with 0.5');
      });

      it('filter larger than the image', async () => {
        for (const [w, h, k] of [[1, 1, 5], [3, 2, 7], [4, 9, 11], [2, 2, 31]]) {
          const x = randomF32(`conv/big/x/${w}/${h}`, w * h), f = randomF32(`conv/big/f/${k}`, k * k);
          checkConv(await conv(x, f, w, h, k), conv2dRef(x, f, w, h, k), `conv2d ${w}×${h} k=${k}`, !fused());
        }
      });

      it('NaN and ±Infinity in x and in the filter stay local; taps outside are skipped', async () => {
        const w = 41, h = 23, k = 5;
        const x = randomF32('conv/nan/x', w * h);
        x[7 * w + 11] = NaN; x[2 * w + 3] = Infinity; x[15 * w + 30] = -Infinity;
        const f = randomF32('conv/nan/f', k * k);
        let ref = conv2dRef(x, f, w, h, k);
        checkConv(await conv(x, f, w, h, k), ref, 'conv2d with non-finite x', !fused());
        ok(Number.isNaN(ref.out[7 * w + 11]) && Number.isFinite(ref.out[0]), 'reference sanity');
        const g = f.slice();
        g[0] = Infinity; // top-left tap: outside the image for the first rows and columns
        g[k * k - 1] = NaN; // bottom-right tap
        const y = randomF32('conv/nan/y', w * h);
        ref = conv2dRef(y, g, w, h, k);
        const got = await conv(y, g, w, h, k);
        checkConv(got, ref, 'conv2d with non-finite filter', !fused());
        equal(Number.isNaN(got[0]), true, 'output (0,0): the NaN tap (bottom-right) is inside');
        equal(Number.isNaN(got[w * h - 1]), false, 'output (w-1,h-1): its bottom-right (NaN) tap is outside, skipped');
        equal(Math.abs(got[w * h - 1]), Infinity, 'output (w-1,h-1): the Inf top-left tap is inside');
      });

      it('out: a heap array is written in place; overlapping out is rejected', async () => {
        const w = 64, h = 40, k = 3;
        const x = randomF32('conv/out/x', w * h), f = randomF32('conv/out/f', k * k);
        const out = rt().alloc(Float32Array, w * h);
        try {
          const got = await conv(x, f, w, h, k, { out });
          ok(got === out, 'returns the heap out');
          checkConv(out, conv2dRef(x, f, w, h, k), 'conv2d into heap out', !fused());
          const hx = rt().alloc(Float32Array, w * h);
          try {
            hx.set(x);
            await rejects(() => conv(hx, f, w, h, k, { out: hx }), { code: 'INVALID_ARGUMENT', argument: 'options.out', WeftError }, 'out === x');
          } finally {
            rt().free(hx);
          }
        } finally {
          rt().free(out);
        }
      });
    });

    describe('mandelbrot', () => {
      const views = [
        { width: 1, height: 1, centerX: -0.5, centerY: 0, scale: 0.01, maxIter: 50 },
        { width: 1, height: 9, centerX: -0.5, centerY: 0, scale: 0.3, maxIter: 50 },
        { width: 9, height: 1, centerX: -0.5, centerY: 0, scale: 0.3, maxIter: 50 },
        { width: 7, height: 5, centerX: -0.75, centerY: 0.1, scale: 0.05, maxIter: 100 },
        { width: 96, height: 64, centerX: -0.6, centerY: 0, scale: 3.2 / 64, maxIter: 256 },
        { width: 101, height: 67, centerX: -0.743643887037151, centerY: 0.13182590420533, scale: 1e-7, maxIter: 700 },
        { width: 33, height: 17, centerX: 0, centerY: 0, scale: 0.5, maxIter: 1 },
        { width: 40, height: 30, centerX: 2.5, centerY: 2.5, scale: 0.1, maxIter: 30 },
        { width: 130, height: 3, centerX: -1.25, centerY: 0, scale: 1e-13, maxIter: 2000 },
        // Either side of the f32/f64 threshold (scale 2^-17 at this centre).
        { width: 70, height: 45, centerX: -0.743643887037151, centerY: 0.13182590420533, scale: 1 / 131072, maxIter: 900 },
        { width: 70, height: 45, centerX: -0.743643887037151, centerY: 0.13182590420533, scale: 0.999 / 131072, maxIter: 900 },
        { width: 50, height: 20, centerX: 300, centerY: -2, scale: 300 / 131072, maxIter: 20 },
      ];
      for (const v of views) {
        it(`${v.width}×${v.height} at (${v.centerX}, ${v.centerY}), scale ${v.scale}, maxIter ${v.maxIter}`, async () => {
          const got = await rt().kernels.mandelbrot(v);
          sameImage(got, mandelbrotRef(v), v.width, 'mandelbrot');
        });
      }

      it('sample pixels: escape counts, palette, inside black', async () => {
        const v = { width: 120, height: 80, centerX: -0.5, centerY: 0, scale: 3 / 80, maxIter: 500 };
        const got = await rt().kernels.mandelbrot(v);
        const pixel = (x, y) => Array.from(got.subarray((y * v.width + x) * 4, (y * v.width + x) * 4 + 4));
        // The centre is c = (-0.5, 0): inside the main cardioid.
        equal(pixel(60, 40).join(), '0,0,0,255', 'centre pixel (inside) is opaque black');
        // The top-left corner is c = (-2.75, -1.5): |c|² > 4, escapes after 1 iteration.
        const [cr, ci] = mandelbrotPoint(0, 0, v);
        equal(escapeCount(cr, ci, v.maxIter), 1, 'corner escape count (f64)');
        equal(escapeCountF32(cr, ci, v.maxIter), 1, 'corner escape count (f32)');
        equal(pixel(0, 0).join(), mandelbrotColour(1, v.maxIter).join(), 'corner colour');
        ok(mandelbrotUsesF32(v), 'this view is coarse: the kernel iterates in f32');
        for (const [x, y] of [[10, 10], [30, 40], [45, 20], [70, 61], [119, 79], [59, 33]]) {
          equal(pixel(x, y).join(), mandelbrotColour(mandelbrotCount(x, y, v), v.maxIter).join(), `pixel (${x}, ${y})`);
        }
      });

      it('f32 for coarse views, f64 when zoomed in: both match their reference', async () => {
        const base = { width: 70, height: 45, centerX: -0.743643887037151, centerY: 0.13182590420533, maxIter: 900 };
        const coarse = { ...base, scale: 1 / 131072 }, fine = { ...base, scale: 0.999 / 131072 };
        ok(mandelbrotUsesF32(coarse) && !mandelbrotUsesF32(fine), 'the threshold');
        const a = await rt().kernels.mandelbrot(coarse), b = await rt().kernels.mandelbrot(fine);
        sameImage(a, mandelbrotRef(coarse), 70, 'coarse (f32)');
        sameImage(b, mandelbrotRef(fine), 70, 'fine (f64)');
        // Computed in f64, the coarse view differs: the f32 path really ran.
        let f64Differs = false;
        for (let y = 0; y < 45 && !f64Differs; y++) {
          for (let x = 0; x < 70; x++) {
            const [cr, ci] = mandelbrotPoint(x, y, coarse);
            const want = mandelbrotColour(escapeCount(cr, ci, coarse.maxIter), coarse.maxIter);
            if (Array.from(a.subarray((y * 70 + x) * 4, (y * 70 + x) * 4 + 4)).join() !== want.join()) {
              f64Differs = true;
              break;
            }
          }
        }
        ok(f64Differs, 'the coarse view is not the f64 rendering');
      });

      it('out, and an empty image', async () => {
        const v = { width: 20, height: 10, centerX: -0.5, centerY: 0, scale: 0.15, maxIter: 40 };
        const out = new Uint8ClampedArray(20 * 10 * 4);
        ok((await rt().kernels.mandelbrot({ ...v, out })) === out, 'returns out');
        sameImage(out, mandelbrotRef(v), 20, 'mandelbrot into out');
        equal((await rt().kernels.mandelbrot({ ...v, width: 0 })).length, 0, 'width 0');
      });
    });

    describe('determinism and chunking', () => {
      it('results are identical for 1 thread and the whole budget', async () => {
        const w = 301, h = 203;
        const src = randomRgba(4242, w * h * 4);
        const x = randomF32('det/conv', w * h), f = randomF32('det/conv/f', 25);
        const view = { width: 160, height: 120, centerX: -0.74, centerY: 0.12, scale: 0.002, maxIter: 400 };
        const calls = [
          ['gaussianBlur r=9', (o) => rt().kernels.gaussianBlur(src, { width: w, height: h, radius: 9, ...o })],
          ['boxBlur r=9', (o) => rt().kernels.boxBlur(src, { width: w, height: h, radius: 9, ...o })],
          ['conv2d k=5', (o) => rt().kernels.conv2d(x, f, { width: w, height: h, k: 5, ...o })],
          ['mandelbrot', (o) => rt().kernels.mandelbrot({ ...view, ...o })],
        ];
        for (const [label, call] of calls) {
          const one = await call({ threads: 1 });
          const all = await call({});
          const again = await call({});
          const bytes = (a) => new Uint8ClampedArray(a.buffer, a.byteOffset, a.byteLength);
          sameImage(bytes(all), bytes(one), w, `${label}: whole budget vs 1 thread`);
          sameImage(bytes(again), bytes(one), w, `${label}: again`);
        }
      });

      if (env.expectedMode === 'shared') {
        it('mandelbrot: chunk i renders row i (trace)', async () => {
          const height = 24;
          rt().trace.start();
          try {
            await rt().kernels.mandelbrot({ width: 64, height, centerX: -0.5, centerY: 0, scale: 0.05, maxIter: 300 });
          } finally {
            rt().trace.stop();
          }
          const spans = rt().trace.export().traceEvents.filter((e) => e.ph === 'X' && e.cat === 'kernel' && e.args);
          const byJob = new Map();
          for (const e of spans) byJob.set(e.args.job, [...(byJob.get(e.args.job) ?? []), e.args.chunk]);
          const rows = [...byJob.values()].find((c) => c.length === height);
          ok(rows, `a job with ${height} chunks in the trace (got ${[...byJob.values()].map((c) => c.length).join(', ')})`);
          equal([...rows].sort((a, b) => a - b).join(), Array.from({ length: height }, (_, i) => i).join(), 'chunk indices');
        });
      }
    });

    describe('validation', () => {
      const img = new Uint8ClampedArray(4 * 3 * 4);
      const bad = [
        ['gaussianBlur: Uint8Array', (K) => K.gaussianBlur(new Uint8Array(48), { width: 4, height: 3, radius: 1 }), 'rgba'],
        ['gaussianBlur: short rgba', (K) => K.gaussianBlur(img.subarray(4), { width: 4, height: 3, radius: 1 }), 'rgba'],
        ['gaussianBlur: no options', (K) => K.gaussianBlur(img), 'options'],
        ['gaussianBlur: width 1.5', (K) => K.gaussianBlur(img, { width: 1.5, height: 3, radius: 1 }), 'options.width'],
        ['gaussianBlur: height -3', (K) => K.gaussianBlur(img, { width: 4, height: -3, radius: 1 }), 'options.height'],
        ['gaussianBlur: radius 256', (K) => K.gaussianBlur(img, { width: 4, height: 3, radius: 256 }), 'options.radius'],
        ['gaussianBlur: radius -1', (K) => K.gaussianBlur(img, { width: 4, height: 3, radius: -1 }), 'options.radius'],
        ['gaussianBlur: radius 1.5', (K) => K.gaussianBlur(img, { width: 4, height: 3, radius: 1.5 }), 'options.radius'],
        ['gaussianBlur: radius missing', (K) => K.gaussianBlur(img, { width: 4, height: 3 }), 'options.radius'],
        ['gaussianBlur: sigma 0', (K) => K.gaussianBlur(img, { width: 4, height: 3, radius: 1, sigma: 0 }), 'options.sigma'],
        ['gaussianBlur: sigma NaN', (K) => K.gaussianBlur(img, { width: 4, height: 3, radius: 1, sigma: NaN }), 'options.sigma'],
        ['gaussianBlur: sigma "1"', (K) => K.gaussianBlur(img, { width: 4, height: 3, radius: 1, sigma: '1' }), 'options.sigma'],
        ['gaussianBlur: out Float32Array', (K) => K.gaussianBlur(img, { width: 4, height: 3, radius: 1, out: new Float32Array(48) }), 'options.out'],
        ['gaussianBlur: out too short', (K) => K.gaussianBlur(img, { width: 4, height: 3, radius: 1, out: new Uint8ClampedArray(47) }), 'options.out'],
        ['gaussianBlur: threads 0', (K) => K.gaussianBlur(img, { width: 4, height: 3, radius: 1, threads: 0 }), 'options.threads'],
        ['boxBlur: plain array', (K) => K.boxBlur([...img], { width: 4, height: 3, radius: 1 }), 'rgba'],
        ['boxBlur: radius "2"', (K) => K.boxBlur(img, { width: 4, height: 3, radius: '2' }), 'options.radius'],
        ['boxBlur: too many pixels', (K) => K.boxBlur(img, { width: 1 << 14, height: 1 << 13, radius: 1 }), 'options.height'],
        ['conv2d: x Float64Array', (K) => K.conv2d(new Float64Array(12), new Float32Array(9), { width: 4, height: 3, k: 3 }), 'x'],
        ['conv2d: filter plain array', (K) => K.conv2d(new Float32Array(12), [1], { width: 4, height: 3, k: 1 }), 'filter'],
        ['conv2d: k even', (K) => K.conv2d(new Float32Array(12), new Float32Array(4), { width: 4, height: 3, k: 2 }), 'options.k'],
        ['conv2d: k 0', (K) => K.conv2d(new Float32Array(12), new Float32Array(0), { width: 4, height: 3, k: 0 }), 'options.k'],
        ['conv2d: k missing', (K) => K.conv2d(new Float32Array(12), new Float32Array(9), { width: 4, height: 3 }), 'options.k'],
        ['conv2d: filter length', (K) => K.conv2d(new Float32Array(12), new Float32Array(8), { width: 4, height: 3, k: 3 }), 'filter'],
        ['conv2d: x length', (K) => K.conv2d(new Float32Array(11), new Float32Array(9), { width: 4, height: 3, k: 3 }), 'x'],
        ['conv2d: out overlaps filter', (K) => { const b = new Float32Array(21); return K.conv2d(new Float32Array(12), b.subarray(0, 9), { width: 4, height: 3, k: 3, out: b.subarray(8, 20) }); }, 'options.out'],
        ['mandelbrot: no options', (K) => K.mandelbrot(), 'options'],
        ['mandelbrot: maxIter 0', (K) => K.mandelbrot({ width: 4, height: 4, centerX: 0, centerY: 0, scale: 1, maxIter: 0 }), 'options.maxIter'],
        ['mandelbrot: maxIter 2.5', (K) => K.mandelbrot({ width: 4, height: 4, centerX: 0, centerY: 0, scale: 1, maxIter: 2.5 }), 'options.maxIter'],
        ['mandelbrot: scale 0', (K) => K.mandelbrot({ width: 4, height: 4, centerX: 0, centerY: 0, scale: 0, maxIter: 9 }), 'options.scale'],
        ['mandelbrot: scale Infinity', (K) => K.mandelbrot({ width: 4, height: 4, centerX: 0, centerY: 0, scale: Infinity, maxIter: 9 }), 'options.scale'],
        ['mandelbrot: centerX NaN', (K) => K.mandelbrot({ width: 4, height: 4, centerX: NaN, centerY: 0, scale: 1, maxIter: 9 }), 'options.centerX'],
        ['mandelbrot: centerY missing', (K) => K.mandelbrot({ width: 4, height: 4, centerX: 0, scale: 1, maxIter: 9 }), 'options.centerY'],
        ['mandelbrot: width "4"', (K) => K.mandelbrot({ width: '4', height: 4, centerX: 0, centerY: 0, scale: 1, maxIter: 9 }), 'options.width'],
      ];
      it('bad arguments reject with INVALID_ARGUMENT naming the argument', async () => {
        for (const [label, call, argument] of bad) {
          await rejects(() => call(rt().kernels), { code: 'INVALID_ARGUMENT', argument, WeftError }, label);
        }
        // Still usable afterwards.
        const got = await rt().kernels.boxBlur(img, { width: 4, height: 3, radius: 1 });
        sameImage(got, boxBlurRef(img, 4, 3, 1), 4, 'after errors');
      });

      it('a pre-aborted signal rejects with AbortError', async () => {
        const controller = new AbortController();
        controller.abort();
        try {
          await rt().kernels.mandelbrot({ width: 8, height: 8, centerX: 0, centerY: 0, scale: 0.1, maxIter: 9, signal: controller.signal });
          fail('expected an AbortError');
        } catch (e) {
          checkWeftError(e, { code: 'ABORTED', WeftError }, 'pre-aborted mandelbrot');
        }
      });
    });
  });
}
