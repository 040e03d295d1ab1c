/**
 * Image kernels: Gaussian and box blur of RGBA images, 2-D convolution of a Float32Array plane,
 * Mandelbrot rendering. The Rust side (kernels-rs/src/image/) documents the exact arithmetic;
 * the summary is here, on each builder.
 */
import { WeftArgumentError } from '../errors.js';
import { object } from '../options.js';
import {
  commonOptions,
  dimension,
  f32,
  overlaps,
  requireLength,
  typedArray,
  type KernelCall,
  type KernelOptions,
} from './call.js';

/** Ids of kernels-rs `ImageKernel`, for this family (10–19). */
export const imageIds = { gaussianBlur: 10, boxBlur: 11, conv2d: 12, mandelbrot: 13 } as const;

/** Largest blur radius. */
export const MAX_BLUR_RADIUS = 255;
/** Most pixels of an image kernel's image (8192², 64 Mi): keeps the blur's scratch under 4 GiB. */
export const MAX_IMAGE_PIXELS = 1 << 26;

export interface ImageSize {
  /** Pixels per row. */
  width: number;
  /** Rows. */
  height: number;
}

export interface BoxBlurOptions extends KernelOptions, ImageSize {
  /** Integer 0–255: the window is (2·radius+1)² pixels; 0 copies the image. */
  radius: number;
  /** Where to write the result: a Uint8ClampedArray of `width·height·4` (may be `rgba` itself). */
  out?: Uint8ClampedArray;
}

export interface GaussianBlurOptions extends BoxBlurOptions {
  /** Standard deviation in pixels, finite and > 0. Default `radius / 2`. */
  sigma?: number;
}

export interface Conv2dOptions extends KernelOptions, ImageSize {
  /** Filter size: odd, ≥ 1 (the filter is k×k, row-major). */
  k: number;
  /** Where to write the result (`width·height` floats); must not overlap `x` or `filter`. */
  out?: Float32Array;
}

export interface MandelbrotOptions extends KernelOptions, ImageSize {
  /** Real part at the image centre (pixel `width/2`). */
  centerX: number;
  /** Imaginary part at the image centre (row `height/2`); y grows downwards with the rows. */
  centerY: number;
  /** Complex units per pixel: finite, > 0. */
  scale: number;
  /** Iterations before a point counts as inside: integer ≥ 1. */
  maxIter: number;
  out?: Uint8ClampedArray;
}

function required(options: unknown, what: string): Record<string, unknown> {
  if (options === undefined) throw new WeftArgumentError('options', `an object with ${what}`, options);
  return object('options', options as object) as Record<string, unknown>;
}

function size(o: Record<string, unknown>): { width: number; height: number } {
  const width = dimension('options.width', o.width);
  const height = dimension('options.height', o.height);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new WeftArgumentError('options.height', `width·height ≤ ${MAX_IMAGE_PIXELS} pixels (width is ${width})`, height);
  }
  return { width, height };
}

function finite(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new WeftArgumentError(name, 'a finite number', value);
  return value;
}

function radius(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_BLUR_RADIUS) {
    throw new WeftArgumentError('options.radius', `an integer from 0 to ${MAX_BLUR_RADIUS}`, value);
  }
  return value;
}

const rgbaOut = (length: number) => ({ type: Uint8ClampedArray, length });

function blur(
  kernel: number,
  name: string,
  rgba: unknown,
  options: GaussianBlurOptions | BoxBlurOptions,
  gaussian: boolean,
): KernelCall<Uint8ClampedArray> {
  const src = typedArray('rgba', rgba, Uint8ClampedArray);
  const o = required(options, 'width, height and radius');
  const { width, height } = size(o);
  requireLength('rgba', src, width * height * 4, `width·height·4 = ${width}·${height}·4`);
  const r = radius(o.radius);
  let sigma = 0;
  if (gaussian) {
    if (o.sigma === undefined) sigma = r / 2;
    else {
      sigma = finite('options.sigma', o.sigma);
      if (!(sigma > 0)) throw new WeftArgumentError('options.sigma', 'a finite number > 0', o.sigma);
    }
  }
  const output = rgbaOut(src.length);
  return { kernel, name, inputs: [src], output, dim: [width, height, r], scalar: [sigma], ...commonOptions(options, output) };
}

/** True if two arrays view overlapping bytes of the same buffer. */
export const image = {
  /**
   * Separable Gaussian blur of an RGBA image (all four channels, alpha too), edges replicated.
   *
   * `sigma` defaults to `radius / 2`; the kernel spans `radius` pixels each side (0: a copy).
   * Exact fixed point, identical on every engine and thread count: the weights are integers
   * summing to 2^14 (exp(-i²/2σ²) normalised, rounded by largest remainder), the horizontal
   * pass keeps 7 fractional bits in a 16-bit intermediate, the vertical pass rounds half up.
   * Within 0.56 of the real-valued blur (±1 of its rounding). `out` may be `rgba` itself.
   */
  gaussianBlur: (rgba: Uint8ClampedArray, options: GaussianBlurOptions) =>
    blur(imageIds.gaussianBlur, 'gaussianBlur', rgba, options, true),

  /**
   * Box blur of an RGBA image: the mean of the (2·radius+1)² window, edges replicated, rounded
   * to nearest — exactly. O(1) per pixel whatever the radius (running sums). `out` may be `rgba`.
   */
  boxBlur: (rgba: Uint8ClampedArray, options: BoxBlurOptions) => blur(imageIds.boxBlur, 'boxBlur', rgba, options, false),

  /**
   * 2-D correlation, "same" size: `out[y][x] = Σ filter[i][j]·x[y+i-k/2][x+j-k/2]` (the filter
   * is not flipped; for a convolution pass it rotated by 180°). Outside the image counts as
   * zero: those taps are skipped, so a NaN or ±Infinity weight only reaches the outputs whose
   * window puts it over the image. Each output is summed in f32 from 0 in row-major tap order
   * (fused multiply-adds where the engine has relaxed SIMD), identically for any thread count.
   */
  conv2d(x: Float32Array, filter: Float32Array, options: Conv2dOptions): KernelCall<Float32Array> {
    const X = f32('x', x);
    const F = f32('filter', filter);
    const o = required(options, 'width, height and k');
    const { width, height } = size(o);
    const k = o.k;
    if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k % 2 !== 1 || k > 0x7fff) {
      throw new WeftArgumentError('options.k', 'an odd integer ≥ 1', k);
    }
    requireLength('x', X, width * height, `width·height = ${width}·${height}`);
    requireLength('filter', F, k * k, `k·k = ${k}·${k}`);
    const output = { type: Float32Array, length: width * height };
    const common = commonOptions(options, output);
    if (common.out && (overlaps(common.out, X) || overlaps(common.out, F))) {
      throw new WeftArgumentError('options.out', 'an array overlapping neither x nor filter', common.out);
    }
    return { kernel: imageIds.conv2d, name: 'conv2d', inputs: [X, F], output, dim: [width, height, k], scalar: [], ...common };
  },

  /**
   * The Mandelbrot set as RGBA: pixel (x, y) is c = (centerX + (x − width/2)·scale,
   * centerY + (y − height/2)·scale), iterated from z = 0 while |z|² ≤ 4, at most `maxIter`
   * times — in f32 lanes when the view is coarse (scale ≥ 2^-17·max(1, |centerX|, |centerY|):
   * neighbouring pixels ≥ 64 f32 ulps apart, twice the speed), in f64 when zoomed further.
   * Inside (never escaped): opaque black. Escaped after n iterations: colour n % 64 of a cyclic
   * 8-stop gradient. Every step is plain IEEE arithmetic in a fixed order, so the image is the
   * same everywhere (kernels-rs/src/image/mandelbrot.rs; `test/shared/image-reference.js`
   * reproduces it exactly). Kernel chunk i renders row i.
   */
  mandelbrot(options: MandelbrotOptions): KernelCall<Uint8ClampedArray> {
    const o = required(options, 'width, height, centerX, centerY, scale and maxIter');
    const { width, height } = size(o);
    const cx = finite('options.centerX', o.centerX);
    const cy = finite('options.centerY', o.centerY);
    const scale = finite('options.scale', o.scale);
    if (!(scale > 0)) throw new WeftArgumentError('options.scale', 'a finite number > 0', o.scale);
    const maxIter = o.maxIter;
    if (typeof maxIter !== 'number' || !Number.isInteger(maxIter) || maxIter < 1 || maxIter > 0x7fffffff) {
      throw new WeftArgumentError('options.maxIter', 'an integer ≥ 1', maxIter);
    }
    const output = rgbaOut(width * height * 4);
    return { kernel: imageIds.mandelbrot, name: 'mandelbrot', inputs: [], output, dim: [width, height, maxIter], scalar: [cx, cy, scale], ...commonOptions(options, output) };
  },
};
