// A parallel matmul on weft's worker pool, checked against a plain JS loop, with info().
// Run: node examples/matmul.mjs [n]   (after `npm run build`; scripts/example.sh does both)
import { createRuntime } from 'weft';

const n = Number(process.argv[2] ?? 512);
const rt = await createRuntime();
console.log('weft info:', rt.info());

const random = (length) => Float32Array.from({ length }, () => Math.random() * 2 - 1);
const a = random(n * n);
const b = random(n * n);

await rt.kernels.matmul(a, b, { m: n, k: n, n }); // warm-up
for (const threads of [1, rt.info().threads]) {
  const t0 = performance.now();
  const c = await rt.kernels.matmul(a, b, { m: n, k: n, n, threads });
  const ms = performance.now() - t0;
  console.log(`matmul ${n}×${n}×${n}, ${threads} thread(s): ${ms.toFixed(1)} ms, ${((2 * n ** 3) / ms / 1e6).toFixed(1)} GFLOP/s`);
  if (threads === 1) checkRows(c);
}

// Check a few rows against the obvious loop (f64 accumulation).
function checkRows(c) {
  let worst = 0;
  for (const i of [0, n >> 1, n - 1]) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      worst = Math.max(worst, Math.abs(s - c[i * n + j]));
    }
  }
  console.log(`max |error| on 3 checked rows: ${worst.toExponential(2)}`);
  if (!(worst < 1e-3)) throw new Error('matmul result is wrong');
}

await rt.close();
