// JS references for the demo's kernel checks. Each function is self-contained (no imports, no
// closure): the test runs it inside the page via its source text, next to the pixels.

/**
 * A separable blur in float64, rounded: RGBA, each channel separately, edges clamped. Box:
 * the mean of the (2r+1)² window. Gaussian: weights exp(-d²/(2σ²)) over |d| ≤ r, normalised,
 * horizontally then vertically; σ is the caller's (conventions differ: r/2, r/3, ...).
 * Only pixels at least r from every edge are compared by the test, so edge handling (clamp,
 * mirror, renormalise) does not matter.
 */
export function blurReference(kernel, input, width, height, radius, sigma) {
  const taps = [];
  for (let d = -radius; d <= radius; d++) taps.push(kernel === 'boxBlur' ? 1 : Math.exp(-(d * d) / (2 * sigma * sigma)));
  const total = taps.reduce((a, b) => a + b, 0);
  const weights = taps.map((t) => t / total);
  const clamp = (v, hi) => (v < 0 ? 0 : v > hi ? hi : v);
  const tmp = new Float64Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let acc = 0;
        for (let d = -radius; d <= radius; d++) acc += weights[d + radius] * input[(y * width + clamp(x + d, width - 1)) * 4 + c];
        tmp[(y * width + x) * 4 + c] = acc;
      }
    }
  }
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 4; c++) {
        let acc = 0;
        for (let d = -radius; d <= radius; d++) acc += weights[d + radius] * tmp[(clamp(y + d, height - 1) * width + x) * 4 + c];
        out[(y * width + x) * 4 + c] = Math.round(acc);
      }
    }
  }
  return out;
}

/**
 * Compares a blur result with the reference over the interior (pixels ≥ r from every edge):
 * box with its one definition; Gaussian with each usual σ convention, keeping the best fit.
 * Returns { sigma, max, mean } of |reference − got|.
 */
export function compareBlur(reference, kernel, input, got, width, height, radius) {
  const make = new Function(`return (${reference})`)();
  const sigmas = kernel === 'boxBlur' ? [0] : [radius / 2, radius / 3, (radius + 1) / 2, (radius + 1) / 3, radius / Math.sqrt(2 * Math.log(255))];
  let best = null;
  for (const sigma of sigmas) {
    const ref = make(kernel, input, width, height, radius, sigma);
    let max = 0;
    let sum = 0;
    let n = 0;
    for (let y = radius; y < height - radius; y++) {
      for (let x = radius; x < width - radius; x++) {
        for (let c = 0; c < 4; c++) {
          const i = (y * width + x) * 4 + c;
          const d = Math.abs(ref[i] - got[i]);
          max = Math.max(max, d);
          sum += d;
          n++;
        }
      }
    }
    if (!best || max < best.max) best = { sigma, max, mean: sum / n };
  }
  return best;
}

/**
 * Sample pixels of a Mandelbrot view with their escape counts (maxIter = never escaped): a
 * grid over the image, keeping only pixels whose count is the same at the pixel's corner and
 * centre and at its neighbours, so the check does not hinge on half-pixel conventions or on
 * float32 rounding at the set's edge. Pixel (x, y) is c = centre + (x − w/2, y − h/2)·scale.
 */
export function mandelbrotSamples(view) {
  const { width, height, cx, cy, scale, maxIter } = view;
  const count = (re, im) => {
    let zr = 0;
    let zi = 0;
    for (let n = 0; n < maxIter; n++) {
      const zr2 = zr * zr;
      const zi2 = zi * zi;
      if (zr2 + zi2 > 4) return n;
      zi = 2 * zr * zi + im;
      zr = zr2 - zi2 + re;
    }
    return maxIter;
  };
  const at = (x, y, offset) => count(cx + (x + offset - width / 2) * scale, cy + (y + offset - height / 2) * scale);
  const points = [];
  const gx = 24;
  const gy = 16;
  for (let j = 1; j < gy; j++) {
    for (let i = 1; i < gx; i++) {
      const x = Math.round((i * width) / gx);
      const y = Math.round((j * height) / gy);
      const n = at(x, y, 0);
      const stable = [at(x, y, 0.5), at(x - 1, y, 0), at(x + 1, y, 0), at(x, y - 1, 0), at(x, y + 1, 0), at(x, height - 1 - y, 0)].every((m) => m === n);
      if (stable) points.push({ x, y, count: n });
    }
  }
  return points;
}
