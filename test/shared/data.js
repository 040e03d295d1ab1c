// DATA kernels (sort, argsort, prefixSum, histogram, transpose, softmax) against plain-JS
// references (test/shared/data-reference.js): random and edge inputs, specials, stability,
// in place, determinism across thread counts, argument validation.
//
// Tolerances: sort, argsort, histogram, transpose exact. prefixSum: |err| ≤ 2^-24·(Σ|x| + |ref|)
// + 64·2^-24·(Σ|x| over the element's 64-block) — f32 running sums inside 64-element blocks,
// f64 sums before them. softmax: (2e-6 + 2^-23·|x − max|)·ref + 1e-37.
import { useRuntime } from './harness.js';
import { rng, randomF32, SIZES } from './reference.js';
import { refSort, refArgsort, refPrefixSum, refHistogram, refTranspose, refSoftmax, linspaceEdges } from './data-reference.js';
import { ok, fail, fmt, rejects } from './assert.js';

const TYPES = [Float32Array, Int32Array, Uint32Array];
const KINDS = ['random', 'special', 'dups', 'equal', 'ascending', 'descending'];
/** Float32 bit patterns sort must order like TypedArray.prototype.sort. */
const F32_SPECIAL_BITS = [0x7fc00000, 0xffc00000, 0x7f800001, 0xffffffff, 0x7f800000, 0xff800000, 0, 0x80000000, 1, 0x80000001, 0x7f7fffff, 0xff7fffff];
const I32_SPECIALS = [0, -1, 1, 0x7fffffff, -0x80000000, 0x7ffffffe, -0x7fffffff];
const U32_SPECIALS = [0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0xfffffffe];

/** Test input of a type and kind, from a seed string. */
export function sortInput(type, kind, n, seed) {
  const r = rng(`${seed}/${type.name}/${kind}/${n}`);
  const x = new type(n);
  const bits = type === Float32Array ? new Uint32Array(x.buffer) : null;
  const random = () => (type === Float32Array ? r() * 2 - 1 : type === Int32Array ? (r() * 2 ** 32) | 0 : (r() * 2 ** 32) >>> 0);
  for (let i = 0; i < n; i++) {
    switch (kind) {
      case 'random': x[i] = random(); break;
      case 'special':
        if (r() < 0.4) {
          if (bits) bits[i] = F32_SPECIAL_BITS[Math.floor(r() * F32_SPECIAL_BITS.length)];
          else {
            const s = type === Int32Array ? I32_SPECIALS : U32_SPECIALS;
            x[i] = s[Math.floor(r() * s.length)];
          }
        } else x[i] = type === Float32Array ? (r() - 0.5) * 1e3 : random();
        break;
      case 'dups': x[i] = Math.floor(r() * 7) - 3; break;
      case 'equal': x[i] = 3; break;
      case 'ascending': x[i] = type === Uint32Array ? i : i - (n >> 1); break;
      case 'descending': x[i] = type === Uint32Array ? n - i : (n >> 1) - i; break;
      default: throw new Error(kind);
    }
  }
  return x;
}

/** Same type, length and values (Object.is, so -0 ≠ +0; any NaN matches any NaN). */
export function sameValues(got, want, label) {
  if (!got || got.constructor !== want.constructor) fail(`${label}: expected a ${want.constructor.name}, got ${fmt(got)}`);
  if (got.length !== want.length) fail(`${label}: expected length ${want.length}, got ${got.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (!(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)))) {
      fail(`${label}: [${i}] expected ${fmt(w)}, got ${fmt(g)} (around: ${fmt(got.subarray(Math.max(0, i - 2), i + 3))})`);
    }
  }
}

/** Bit-identical typed arrays of any 32-bit type. */
export function sameBits32(got, want, label) {
  if (!got || got.constructor !== want.constructor || got.length !== want.length) fail(`${label}: expected ${fmt(want)}, got ${fmt(got)}`);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length), w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < w.length; i++) if (g[i] !== w[i]) fail(`${label}: not bit-identical at [${i}]: 0x${w[i].toString(16)} vs 0x${g[i].toString(16)}`);
}

export function checkPrefixSum(got, x, exclusive, label) {
  const { value, abs, window } = refPrefixSum(x, exclusive);
  if (!(got instanceof Float32Array) || got.length !== x.length) fail(`${label}: expected a Float32Array(${x.length}), got ${fmt(got)}`);
  const eps = 2 ** -24;
  for (let i = 0; i < x.length; i++) {
    const w = value[i], g = got[i];
    if (!Number.isFinite(w)) {
      if (Number.isNaN(w) ? Number.isNaN(g) : g === w) continue;
    } else {
      const tol = eps * (abs[i] + Math.abs(w)) + 64 * eps * window[i] + 1e-38;
      if (Math.abs(g - w) <= tol) continue;
    }
    fail(`${label}: [${i}] expected ${fmt(w)} (f64 reference), got ${fmt(g)}`);
  }
}

export function checkSoftmax(got, x, rows, cols, label) {
  const want = refSoftmax(x, rows, cols);
  if (!(got instanceof Float32Array) || got.length !== rows * cols) fail(`${label}: expected a Float32Array(${rows * cols}), got ${fmt(got)}`);
  for (let r = 0; r < rows; r++) {
    let m = -Infinity;
    for (let j = 0; j < cols; j++) m = Math.max(m, x[r * cols + j]);
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j, w = want[i], g = got[i];
      if (Number.isNaN(w)) {
        if (Number.isNaN(g)) continue;
      } else {
        const d = Math.abs(x[i] - m);
        const tol = (2e-6 + (Number.isFinite(d) ? d : 0) * 2 ** -23) * w + 1e-37;
        if (g === w || Math.abs(g - w) <= tol) continue;
      }
      fail(`${label}: [${r}, ${j}] expected ${fmt(w)}, got ${fmt(g)}`);
    }
  }
}

/** Inputs for prefixSum with specials that do not overflow f32 inside a 64-block. */
function scanInput(seed, n, special) {
  const r = rng(seed);
  const x = randomF32(r, n, -2, 2);
  if (special) {
    const s = [NaN, Infinity, -Infinity, 0, -0, 1e-45, -1e-40, 1e-20, 65504, 16777217];
    for (let i = 0; i < n; i += 1 + Math.floor(r() * 200)) x[i] = s[Math.floor(r() * s.length)];
  }
  return x;
}

export function dataSuite(env) {
  const { describe, it } = env;
  describe('data kernels', () => {
    const rt = useRuntime(env);
    const K = () => rt().kernels;

    describe('sort', () => {
      for (const type of TYPES) {
        for (const kind of KINDS) {
          it(`${type.name} ${kind}: equals TypedArray.prototype.sort at every edge size`, async () => {
            for (const n of SIZES) {
              const x = sortInput(type, kind, n, 'sort');
              const copy = x.slice();
              const got = await K().sort(x);
              sameValues(got, refSort(x), `sort(${type.name} ${kind}, n=${n})`);
              sameBits32(x, copy, `sort(${type.name} ${kind}, n=${n}) left its input alone`);
            }
          });
        }
      }

      it('Float32: -0 before +0, NaNs (any sign or payload) last, exactly like V8', async () => {
        const x = new Float32Array([0, -0, NaN, -1, -Infinity, -0, 0, Infinity, 1e-45, -1e-45]);
        new Uint32Array(x.buffer)[2] = 0xffc00001; // a negative NaN with a payload
        const want = x.slice().sort();
        ok(Object.is(want[3], -0) && Object.is(want[4], -0) && Object.is(want[5], 0) && Number.isNaN(want[9]), `engine sort order: ${fmt(want)}`);
        sameValues(await K().sort(x), want, 'sort(specials)');
      });

      it('multi-chunk inputs with many duplicates and negatives, and every type', async () => {
        for (const type of TYPES) {
          for (const kind of ['random', 'dups', 'special']) {
            const x = sortInput(type, kind, 300001, 'sort/big');
            sameValues(await K().sort(x), refSort(x), `sort(${type.name} ${kind}, n=300001)`);
          }
        }
      });

      it('in place (out: x) on heap and plain arrays, and out given', async () => {
        for (const n of [5, 1000, 70000, 200003]) {
          for (const kind of ['random', 'dups', 'equal', 'special']) {
            const src = sortInput(Float32Array, kind, n, 'sort/inplace');
            const want = refSort(src);
            const h = rt().alloc(Float32Array, n);
            h.set(src);
            const got = await K().sort(h, { out: h });
            ok(got === h, `sort(h, { out: h }): expected h back`);
            sameValues(h, want, `sort in place (heap, ${kind}, n=${n})`);
            const hi = new Int32Array(h.buffer, h.byteOffset, n);
            const ints = sortInput(Int32Array, kind, n, 'sort/inplace/i32');
            hi.set(ints);
            await K().sort(hi, { out: hi });
            sameValues(hi, refSort(ints), `sort in place (heap Int32Array view, ${kind}, n=${n})`);
            rt().free(h);
            const p = src.slice();
            ok((await K().sort(p, { out: p })) === p, 'sort(p, { out: p }): expected p back');
            sameValues(p, want, `sort in place (plain, ${kind}, n=${n})`);
            const out = new Float32Array(n);
            ok((await K().sort(src, { out })) === out, 'sort(x, { out }): expected out back');
            sameValues(out, want, `sort into out (${kind}, n=${n})`);
          }
        }
      });
    });

    describe('argsort', () => {
      for (const type of TYPES) {
        for (const kind of KINDS) {
          it(`${type.name} ${kind}: stable, equals the reference at every edge size`, async () => {
            for (const n of SIZES) {
              if (n > 70000 && kind !== 'dups' && kind !== 'special') continue; // the JS reference is slow
              const x = sortInput(type, kind, n, 'argsort');
              const got = await K().argsort(x);
              sameValues(got, refArgsort(x), `argsort(${type.name} ${kind}, n=${n})`);
            }
          });
        }
      }

      it('ties keep index order: all NaNs equal, -0 before +0', async () => {
        const x = new Float32Array([NaN, 0, -0, 1, NaN, 0, -0, 1, -Infinity]);
        new Uint32Array(x.buffer)[4] = 0xffc00000;
        sameValues(await K().argsort(x), new Uint32Array([8, 2, 6, 1, 5, 3, 7, 0, 4]), 'argsort(ties)');
      });

      it('writes into out (a Uint32Array), heap input', async () => {
        const n = 100003;
        const h = rt().alloc(Float32Array, n);
        h.set(sortInput(Float32Array, 'dups', n, 'argsort/out'));
        const out = new Uint32Array(n);
        ok((await K().argsort(h, { out })) === out, 'argsort(x, { out }): expected out back');
        sameValues(out, refArgsort(h.slice()), 'argsort into out');
        rt().free(h);
      });
    });

    describe('prefixSum', () => {
      it('inclusive and exclusive at every edge size (random, and with NaN/±Inf/-0/subnormals)', async () => {
        for (const n of [...SIZES, 300001]) {
          for (const special of [false, true]) {
            const x = scanInput(`scan/${n}/${special}`, n, special);
            for (const exclusive of [false, true]) {
              const got = await K().prefixSum(x, exclusive ? { exclusive } : undefined);
              checkPrefixSum(got, x, exclusive, `prefixSum(n=${n}, exclusive=${exclusive}, special=${special})`);
            }
          }
        }
      });

      it('large sums: positive data keeps its accuracy (f64 block offsets)', async () => {
        const n = 1 << 20;
        const x = randomF32('scan/positive', n, 0, 100);
        checkPrefixSum(await K().prefixSum(x), x, false, 'prefixSum(positive, 2^20)');
        const ones = new Float32Array(n).fill(1);
        const got = await K().prefixSum(ones, { exclusive: true });
        for (let i = 0; i < n; i += 4099) if (got[i] !== i) fail(`prefixSum(ones, exclusive)[${i}] = ${got[i]}, expected ${i}`);
      });

      it('in place (out: x, heap array) gives the same bits as a fresh output', async () => {
        const n = 200003;
        const x = randomF32('scan/inplace', n);
        const want = await K().prefixSum(x);
        const h = rt().alloc(Float32Array, n);
        h.set(x);
        ok((await K().prefixSum(h, { out: h })) === h, 'expected h back');
        sameBits32(h, want, 'prefixSum in place');
        rt().free(h);
      });
    });

    describe('histogram', () => {
      const cases = [
        { bins: 1, range: [-1, 1] },
        { bins: 10, range: [-1, 1] },
        { bins: 7, range: [-3, 3] },
        { bins: 1000, range: [-2.5, 2.9] },
        { bins: 100000, range: [-3, 3] },
        { bins: 4, range: [2, 2] },
        { bins: 1 },
        { bins: 13 },
        { bins: 4096 },
        { edges: new Float32Array([-2, -1, -1, 0, 0.25, 0.5, 2.5]) },
        { edges: new Float32Array([0, 1]) },
        { edges: new Float32Array([-Infinity, 0, Infinity]) },
      ];
      it('numpy semantics (right-open bins, last closed, outside/NaN ignored) for bins, ranges and edges', async () => {
        for (const n of SIZES) {
          const x = randomF32(`hist/${n}`, n, -3, 3);
          for (let i = 0; i < n; i += 7) x[i] = [NaN, Infinity, -Infinity, 0.5, -3, 3, 1][(i / 7) % 7];
          for (const c of cases) {
            const got = await K().histogram(x, c);
            sameValues(got, refHistogram(x, c), `histogram(n=${n}, ${JSON.stringify(c, (k, v) => (v instanceof Float32Array ? Array.from(v) : v))})`);
          }
        }
      });

      it('values exactly on the edges, all-equal data, no finite value, empty input', async () => {
        const e = linspaceEdges(64, -1, 1);
        const onEdges = Float32Array.from(e);
        sameValues(await K().histogram(onEdges, { bins: 64, range: [-1, 1] }), refHistogram(onEdges, { bins: 64, range: [-1, 1] }), 'on the edges');
        const equal = new Float32Array(200000).fill(2);
        sameValues(await K().histogram(equal, { bins: 3 }), new Uint32Array([0, 200000, 0]), 'all equal (range widened by 0.5)');
        sameValues(await K().histogram(new Float32Array([NaN, Infinity, -Infinity]), { bins: 4 }), new Uint32Array(4), 'no finite value');
        sameValues(await K().histogram(new Float32Array(0), { bins: 5, range: [0, 1] }), new Uint32Array(5), 'empty');
        sameValues(await K().histogram(new Float32Array(0), { bins: 2 }), new Uint32Array(2), 'empty, automatic range');
        const big = randomF32('hist/many', 600001, -1, 1);
        sameValues(await K().histogram(big, { bins: 50000, range: [-1, 1] }), refHistogram(big, { bins: 50000, range: [-1, 1] }), 'many bins, many chunks');
      });
    });

    describe('transpose', () => {
      it('every shape class, exact', async () => {
        const shapes = [[0, 5], [5, 0], [1, 1], [1, 7], [7, 1], [3, 5], [4, 4], [8, 12], [7, 9], [33, 65], [257, 300], [1, 100000], [100000, 1], [3, 70001], [70001, 3], [600, 700]];
        for (const [rows, cols] of shapes) {
          const x = randomF32(`tr/${rows}/${cols}`, rows * cols);
          if (x.length > 2) { x[0] = NaN; x[1] = -0; x[2] = -Infinity; }
          sameValues(await K().transpose(x, { rows, cols }), refTranspose(x, rows, cols), `transpose(${rows}×${cols})`);
        }
      });
    });

    describe('softmax', () => {
      it('shapes: rows of 0..many columns, within tolerance of the f64 reference', async () => {
        const shapes = [[0, 0], [0, 4], [4, 0], [1, 1], [1, 2], [3, 3], [5, 4], [7, 17], [2, 1000], [100, 33], [1000, 129], [1, 70000], [40000, 1]];
        for (const [rows, cols] of shapes) {
          const x = randomF32(`sm/${rows}/${cols}`, rows * cols, -20, 20);
          checkSoftmax(await K().softmax(x, { rows, cols }), x, rows, cols, `softmax(${rows}×${cols})`);
        }
      });

      it('NaN row → NaN; +Inf entries share 1; all -Inf → uniform; -Inf → 0; huge and tiny differences', async () => {
        const I = Infinity;
        const rows = [
          [1, NaN, 2, 3, 4], [1, I, 2, I, -I], [-I, -I, -I, -I, -I], [-I, 0, -I, 1, -I],
          [3e38, -3e38, 0, 3e38, 1], [-100, -90, -95, -200, -87], [0, -0, 0, -0, 0], [I, I, I, I, I],
        ];
        const x = Float32Array.from(rows.flat());
        const got = await K().softmax(x, { rows: rows.length, cols: 5 });
        checkSoftmax(got, x, rows.length, 5, 'softmax(special rows)');
        sameValues(got.subarray(5, 10), new Float32Array([0, 0.5, 0, 0.5, 0]), '+Inf row');
        sameValues(got.subarray(10, 15), new Float32Array(5).fill(0.2), 'all -Inf row');
      });

      it('in place on a heap array', async () => {
        const x = randomF32('sm/inplace', 300 * 250, -5, 5);
        const want = await K().softmax(x, { rows: 300, cols: 250 });
        const h = rt().alloc(Float32Array, x.length);
        h.set(x);
        ok((await K().softmax(h, { rows: 300, cols: 250, out: h })) === h, 'expected h back');
        sameBits32(h, want, 'softmax in place');
        rt().free(h);
      });
    });

    it('every data kernel is bit-identical with threads: 1 and the whole budget', async () => {
      const x = randomF32('det/data', 300001, -3, 3);
      const d = sortInput(Int32Array, 'dups', 300001, 'det');
      const calls = [
        ['sort', (o) => K().sort(x, o)],
        ['sort Int32 dups', (o) => K().sort(d, o)],
        ['argsort', (o) => K().argsort(d, o)],
        ['prefixSum', (o) => K().prefixSum(x, o)],
        ['prefixSum exclusive', (o) => K().prefixSum(x, { exclusive: true, ...o })],
        ['histogram auto', (o) => K().histogram(x, { bins: 1000, ...o })],
        ['histogram edges', (o) => K().histogram(x, { edges: new Float32Array([-2, -1, 0, 0.5, 3]), ...o })],
        ['transpose', (o) => K().transpose(x.subarray(0, 500 * 600), { rows: 500, cols: 600, ...o })],
        ['softmax', (o) => K().softmax(x.subarray(0, 500 * 600), { rows: 500, cols: 600, ...o })],
      ];
      for (const [name, call] of calls) {
        const one = await call({ threads: 1 });
        const all = await call(undefined);
        sameBits32(all, one, `${name}: budget vs 1 thread`);
        sameBits32(await call(undefined), one, `${name}: again`);
      }
    });

    describe('bad input', () => {
      const { WeftError } = env;
      const x = new Float32Array(6), u = new Uint32Array(6);
      const cases = [
        ['sort(plain Array)', () => K().sort([3, 1, 2]), 'x'],
        ['sort(Float64Array)', () => K().sort(new Float64Array(3)), 'x'],
        ['sort(Uint8Array)', () => K().sort(new Uint8Array(3)), 'x'],
        ['sort(x, out of another type)', () => K().sort(x, { out: new Int32Array(6) }), 'options.out'],
        ['sort(x, out too short)', () => K().sort(x, { out: new Float32Array(5) }), 'options.out'],
        ['sort(x, out overlapping x partially)', () => K().sort(x.subarray(0, 4), { out: x.subarray(1, 5) }), 'options.out'],
        ['sort(x, { threads: 0 })', () => K().sort(x, { threads: 0 }), 'options.threads'],
        ['argsort(Float64Array)', () => K().argsort(new Float64Array(3)), 'x'],
        ['argsort(x, out a Float32Array)', () => K().argsort(x, { out: new Float32Array(6) }), 'options.out'],
        ['argsort(u, out: u)', () => K().argsort(u, { out: u }), 'options.out'],
        ['prefixSum(Int32Array)', () => K().prefixSum(new Int32Array(3)), 'x'],
        ['prefixSum(x, exclusive: 1)', () => K().prefixSum(x, { exclusive: 1 }), 'options.exclusive'],
        ['histogram(x) without options', () => K().histogram(x), 'options'],
        ['histogram(x, {})', () => K().histogram(x, {}), 'options.bins'],
        ['histogram bins 0', () => K().histogram(x, { bins: 0 }), 'options.bins'],
        ['histogram bins 2.5', () => K().histogram(x, { bins: 2.5 }), 'options.bins'],
        ['histogram range reversed', () => K().histogram(x, { bins: 2, range: [1, 0] }), 'options.range'],
        ['histogram range infinite', () => K().histogram(x, { bins: 2, range: [0, Infinity] }), 'options.range'],
        ['histogram range not a pair', () => K().histogram(x, { bins: 2, range: [0] }), 'options.range'],
        ['histogram range NaN', () => K().histogram(x, { bins: 2, range: [NaN, 1] }), 'options.range'],
        ['histogram edges with NaN', () => K().histogram(x, { edges: new Float32Array([0, NaN, 1]) }), 'options.edges'],
        ['histogram edges decreasing', () => K().histogram(x, { edges: new Float32Array([0, 2, 1]) }), 'options.edges'],
        ['histogram one edge', () => K().histogram(x, { edges: new Float32Array([0]) }), 'options.edges'],
        ['histogram edges a plain Array', () => K().histogram(x, { edges: [0, 1] }), 'options.edges'],
        ['histogram edges and bins', () => K().histogram(x, { bins: 1, edges: new Float32Array([0, 1]) }), 'options.bins'],
        ['histogram edges and range', () => K().histogram(x, { range: [0, 1], edges: new Float32Array([0, 1]) }), 'options.range'],
        ['histogram out a Float32Array', () => K().histogram(x, { bins: 2, out: new Float32Array(2) }), 'options.out'],
        ['histogram out of the wrong length', () => K().histogram(x, { bins: 2, out: new Uint32Array(3) }), 'options.out'],
        ['transpose rows·cols ≠ length', () => K().transpose(x, { rows: 2, cols: 2 }), 'x'],
        ['transpose rows missing', () => K().transpose(x, { cols: 6 }), 'options.rows'],
        ['transpose cols = -1', () => K().transpose(x, { rows: 1, cols: -1 }), 'options.cols'],
        ['transpose out: x', () => K().transpose(x, { rows: 2, cols: 3, out: x }), 'options.out'],
        ['transpose(Int32Array)', () => K().transpose(new Int32Array(6), { rows: 2, cols: 3 }), 'x'],
        ['softmax without options', () => K().softmax(x), 'options'],
        ['softmax cols 1.5', () => K().softmax(x, { rows: 4, cols: 1.5 }), 'options.cols'],
        ['softmax out partially overlapping', () => K().softmax(x.subarray(0, 4), { rows: 2, cols: 2, out: x.subarray(2, 6) }), 'options.out'],
      ];
      for (const [label, call, argument] of cases) {
        it(`${label} rejects with INVALID_ARGUMENT naming '${argument}'`, async () => {
          await rejects(call, { code: 'INVALID_ARGUMENT', argument, WeftError }, label);
        });
      }
    });
  });
}
