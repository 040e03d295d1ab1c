// Result checks shared by the suites: each compares a kernel's output to its reference with the
// tolerance weft promises, and throws an AssertionError naming the first bad elements.
import { eachElement, close, numEqual, fmt, fail } from './assert.js';
import { refAdd, refMul, refScale, refAxpy, refSum, refDot, refMin, refMax, refMatmul } from './reference.js';

const TINY = 1e-30;

/** Exact f32 results: same value, same sign of zero; any NaN matches any NaN. */
export function checkExact(got, want, label) {
  eachElement(got, want.length, (i, g) => {
    const w = want[i];
    if (Number.isNaN(w) ? Number.isNaN(g) : Object.is(g, w)) return undefined;
    return fmt(w);
  }, label);
}

/** axpy: exactly the unfused or the fused result, or within 1e-6·(|a·x|+|y|) of the fused one. */
export function checkAxpy(got, ref, label) {
  const { unfused, fused, mag } = ref;
  eachElement(got, fused.length, (i, g) => {
    const u = unfused[i], f = fused[i];
    const want = () => `${fmt(u)} (unfused) or ${fmt(f)} (fused)`;
    if (Number.isNaN(g)) return Number.isNaN(u) || Number.isNaN(f) ? undefined : want();
    if (Object.is(g, u) || Object.is(g, f)) return undefined;
    if (Number.isFinite(f) && Number.isFinite(g) && Math.abs(g - f) <= 1e-6 * mag[i] + TINY) return undefined;
    return want();
  }, label);
}

export function checkReduction(got, ref, label) {
  if (typeof got !== 'number') fail(`${label}: expected a number, got ${fmt(got)}`);
  close(got, ref.value, 1e-5 * ref.abs + TINY, label);
}

/** matmul: |err| <= 1e-4·Σ_k|a_ik·b_kj| + tiny; non-finite reference entries must match exactly. */
export function checkMatmul(got, a, b, m, k, n, label) {
  const { c, bound } = refMatmul(a, b, m, k, n);
  eachElement(got, m * n, (idx, g) => {
    const w = c[idx];
    if (!Number.isFinite(w)) return (Number.isNaN(w) ? Number.isNaN(g) : g === w) ? undefined : fmt(w);
    const tol = 1e-4 * bound[idx] + TINY;
    return Math.abs(g - w) <= tol ? undefined : `${fmt(w)} ± ${tol.toExponential(2)} (C[${Math.floor(idx / n)},${idx % n}])`;
  }, label);
}

/** Runs one kernel call and checks it against its reference. Inputs are also checked unmodified. */
export const KERNELS = {
  add: { kind: 'elementwise', inputs: 2, call: (rt, [x, y], o) => rt.kernels.add(x, y, o), check: (got, [x, y], label) => checkExact(got, refAdd(x, y), label) },
  mul: { kind: 'elementwise', inputs: 2, call: (rt, [x, y], o) => rt.kernels.mul(x, y, o), check: (got, [x, y], label) => checkExact(got, refMul(x, y), label) },
  axpy: { kind: 'elementwise', inputs: 2, alpha: true, call: (rt, [x, y], o, alpha) => rt.kernels.axpy(alpha, x, y, o), check: (got, [x, y], label, alpha) => checkAxpy(got, refAxpy(alpha, x, y), label) },
  scale: { kind: 'elementwise', inputs: 1, alpha: true, call: (rt, [x], o, alpha) => rt.kernels.scale(alpha, x, o), check: (got, [x], label, alpha) => checkExact(got, refScale(alpha, x), label) },
  sum: { kind: 'reduction', inputs: 1, call: (rt, [x], o) => rt.kernels.sum(x, o), check: (got, [x], label) => checkReduction(got, refSum(x), label) },
  dot: { kind: 'reduction', inputs: 2, call: (rt, [x, y], o) => rt.kernels.dot(x, y, o), check: (got, [x, y], label) => checkReduction(got, refDot(x, y), label) },
  min: { kind: 'reduction', inputs: 1, call: (rt, [x], o) => rt.kernels.min(x, o), check: (got, [x], label) => numEqual(got, refMin(x), label) },
  max: { kind: 'reduction', inputs: 1, call: (rt, [x], o) => rt.kernels.max(x, o), check: (got, [x], label) => numEqual(got, refMax(x), label) },
};

export const ELEMENTWISE = ['add', 'mul', 'axpy', 'scale'];
export const REDUCTIONS = ['sum', 'dot', 'min', 'max'];

/** Checks that the inputs still hold what they held before the call (no detaching, no scribbling). */
export function checkUnchanged(arrays, copies, label) {
  arrays.forEach((arr, j) => {
    if (arr.length !== copies[j].length) fail(`${label}: input ${j} changed length ${copies[j].length} -> ${arr.length} (detached?)`);
    for (let i = 0; i < arr.length; i++) {
      if (!Object.is(arr[i], copies[j][i]) && !(Number.isNaN(arr[i]) && Number.isNaN(copies[j][i]))) {
        fail(`${label}: input ${j} was modified at [${i}]: ${fmt(copies[j][i])} -> ${fmt(arr[i])}`);
      }
    }
  });
}
