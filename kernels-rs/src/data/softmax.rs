//! Row-wise softmax of a row-major `rows × cols` `f32` matrix, and the vectorised `exp` it uses.
//!
//! Per row: `m = max(row)`; `e_j = exp(x_j − m)`; `out_j = e_j · (1/Σe)`, the sum in `f64`
//! (four `f32` lanes folded into `f64` every 64 vectors). Subtracting the max keeps every
//! exponent ≤ 0, so nothing overflows and the largest entry's term is exactly 1.
//!
//! **Special values**, defined as the limits a straightforward reference would take:
//! - any NaN in a row: the whole row is NaN;
//! - the row max is +Infinity: the +Infinity entries share 1 equally, the others get 0;
//! - every entry is -Infinity: all entries share 1 equally (1/cols) — the same rule, since
//!   they all equal the max;
//! - otherwise -Infinity entries get 0.
//!
//! Error: `exp` ≤ ~1.3 ulp (see [`exp`]); with the `f32` difference `x − m`, the product with the
//! reciprocal and the sum, each output is within ~1e-6 relative of the exact softmax (plus
//! `|x − m|·2^-24` relative from rounding the difference, which only matters for entries that are
//! tiny anyway). Rows are never split, so the result is the same for any thread count.
//!
//! Job: `ptr = [x, out]` (out may equal x), `dim = [rows, cols]`. Chunks: groups of rows with
//! about [`CHUNK`] elements (at least one row).

use crate::simd::lanes::I32x4;
use crate::simd::F32x4;

/// Elements per chunk: ~10–20 µs of exp on one thread.
const CHUNK: usize = 1 << 14;
/// Vectors summed in `f32` before folding into `f64`.
const FOLD: usize = 64;

/// `e^x` for four lanes: `x = n·ln2 + r`, `|r| ≤ ln2/2`, `e^r` by Cephes' degree-6 polynomial,
/// then `· 2^n` as two exact power-of-two factors (so results that are subnormal are rounded
/// once, correctly, and `n = 128` overflows to +Inf only when the result does).
///
/// `n = round(x·log2 e)` by the magic-number trick: adding 1.5·2^23 rounds to an integer (ties
/// to even) and leaves it in the low mantissa bits, so neither `nearest` nor a float-to-int
/// conversion (a long instruction sequence on x64) is needed.
///
/// Max relative error 7.7e-8 (≈ 1.3 ulp of the result) over the normal range, measured against
/// `f64::exp` in the tests; `exp(-Inf) = 0`, `exp(+Inf) = +Inf`, NaN → NaN; below −104 the
/// result is 0, above 88.73 it is +Inf. Uses no fused multiply-add, so both wasm builds give the
/// same bits.
#[inline(always)]
#[cfg_attr(not(test), allow(dead_code))] // the kernels use `exp_with` (constants hoisted)
pub(crate) fn exp(x: F32x4) -> F32x4 {
    exp_with(&ExpConsts::new(), x)
}

/// The constants of [`exp`] as vectors. A loop that calls [`exp_with`] should build them once,
/// through `black_box`: otherwise they are rematerialised at every use, and V8 compiles each
/// `v128.const` to several instructions.
#[derive(Clone, Copy)]
pub(crate) struct ExpConsts {
    hi: F32x4,
    lo: F32x4,
    log2e: F32x4,
    magic: F32x4,
    c1: F32x4,
    c2: F32x4,
    p: [F32x4; 6],
    one: F32x4,
    bias: I32x4,
}

impl ExpConsts {
    #[inline(always)]
    pub fn new() -> Self {
        const P: [f32; 6] = [
            1.987_569_1e-4,
            1.398_199_9e-3,
            8.333_452e-3,
            4.166_579_6e-2,
            1.666_666_5e-1,
            0.5, // Cephes: 5.0000001201e-1, which is 0.5 in f32
        ];
        Self {
            hi: F32x4::splat(89.0),
            lo: F32x4::splat(-104.0),
            log2e: F32x4::splat(core::f32::consts::LOG2_E),
            // 1.5·2^23: `t + magic` has `round(t)` in its low bits for |t| < 2^22.
            magic: F32x4::splat(12_582_912.0),
            // ln2 split so that n·c1 is exact (c1 has 9 significant bits, |n| ≤ 150).
            c1: F32x4::splat(0.693_359_4),
            c2: F32x4::splat(-2.121_944_4e-4),
            p: P.map(F32x4::splat),
            one: F32x4::splat(1.0),
            bias: I32x4::splat(127),
        }
    }
}

/// [`exp`] with its constants given.
#[inline(always)]
pub(crate) fn exp_with(k: &ExpConsts, x: F32x4) -> F32x4 {
    let x = x.pmin(k.hi).pmax(k.lo); // NaN stays NaN
    let t = x.mul(k.log2e).add(k.magic);
    let n = t.sub(k.magic); // round(x·log2 e), as a float
    let ni = t.to_bits().sub(k.magic.to_bits()); // the same, as an integer
    let r = x.sub(n.mul(k.c1)).sub(n.mul(k.c2));
    let mut p = k.p[0];
    for c in &k.p[1..] {
        p = p.mul(r).add(*c);
    }
    let y = p.mul(r.mul(r)).add(r).add(k.one);
    // 2^n = 2^(n>>1) · 2^(n − (n>>1)); both exponents in [-75, 64], normal.
    let n1 = ni.shr(1);
    let n2 = ni.sub(n1);
    let s1 = F32x4::from_bits(n1.add(k.bias).shl(23));
    let s2 = F32x4::from_bits(n2.add(k.bias).shl(23));
    y.mul(s1).mul(s2)
}

#[derive(Clone, Copy)]
pub(crate) struct Softmax {
    rows: usize,
    cols: usize,
    x: *const f32,
    out: *mut f32,
}

impl Softmax {
    pub fn new(job: &crate::abi::Job) -> Self {
        Self {
            rows: job.dim[0] as usize,
            cols: job.dim[1] as usize,
            x: job.ptr[0] as *const f32,
            out: job.ptr[1] as *mut f32,
        }
    }

    fn rows_per_chunk(&self) -> usize {
        (CHUNK / self.cols.max(1)).max(1)
    }

    pub fn chunks(&self) -> u32 {
        if self.cols == 0 {
            return 0;
        }
        self.rows.div_ceil(self.rows_per_chunk()) as u32
    }

    /// # Safety
    /// x readable and out writable over rows·cols (out may equal x); each chunk once.
    pub unsafe fn chunk(&self, c: usize) {
        let per = self.rows_per_chunk();
        for r in c * per..self.rows.min((c + 1) * per) {
            // SAFETY: row r lies inside the matrix and belongs to this chunk.
            unsafe {
                row(
                    self.x.add(r * self.cols),
                    self.out.add(r * self.cols),
                    self.cols,
                )
            };
        }
    }
}

/// Softmax of one row of `n ≥ 1` elements; `out` may equal `x`.
unsafe fn row(x: *const f32, out: *mut f32, n: usize) {
    let n4 = n / 4 * 4;
    let tail = n - n4;
    let ninf = f32::NEG_INFINITY;
    // SAFETY (all): every access is inside 0..n; x is read before out is written at each index.
    unsafe {
        // Row max (NaN-propagating), two accumulators.
        let (mut m0, mut m1) = (F32x4::splat(ninf), F32x4::splat(ninf));
        let mut i = 0;
        while i + 8 <= n4 {
            m0 = m0.max(F32x4::load(x.add(i)));
            m1 = m1.max(F32x4::load(x.add(i + 4)));
            i += 8;
        }
        if i < n4 {
            m0 = m0.max(F32x4::load(x.add(i)));
        }
        if tail > 0 {
            m1 = m1.max(F32x4::load_partial(x.add(n4), tail, ninf));
        }
        let m = m0.max(m1).hmax();
        if m.is_nan() || m.is_infinite() {
            return special_row(x, out, n, m);
        }
        // e = exp(x − m) into out, summed in f32 lanes folded into f64 every FOLD vectors.
        let mv = F32x4::splat(m);
        let k = core::hint::black_box(ExpConsts::new());
        let mut sum = 0.0f64;
        let mut i = 0;
        while i < n4 {
            let end = n4.min(i + 4 * FOLD);
            let (mut acc0, mut acc1) = (F32x4::zero(), F32x4::zero());
            // Two independent vectors per step: the polynomial is a long dependency chain.
            while i + 8 <= end {
                let e0 = exp_with(&k, F32x4::load(x.add(i)).sub(mv));
                let e1 = exp_with(&k, F32x4::load(x.add(i + 4)).sub(mv));
                e0.store(out.add(i));
                e1.store(out.add(i + 4));
                acc0 = acc0.add(e0);
                acc1 = acc1.add(e1);
                i += 8;
            }
            if i < end {
                let e = exp_with(&k, F32x4::load(x.add(i)).sub(mv));
                e.store(out.add(i));
                acc0 = acc0.add(e);
                i += 4;
            }
            sum += acc0.hsum64() + acc1.hsum64();
        }
        if tail > 0 {
            // Padding lanes: exp(-Inf − m) = 0, so they add nothing.
            let e = exp_with(&k, F32x4::load_partial(x.add(n4), tail, ninf).sub(mv));
            e.store_partial(out.add(n4), tail);
            sum += e.hsum64();
        }
        let scale = F32x4::splat((1.0 / sum) as f32);
        let mut i = 0;
        while i < n4 {
            F32x4::load(out.add(i)).mul(scale).store(out.add(i));
            i += 4;
        }
        if tail > 0 {
            F32x4::load_partial(out.add(n4), tail, 0.0)
                .mul(scale)
                .store_partial(out.add(n4), tail);
        }
    }
}

/// A row whose max `m` is NaN (all NaN) or ±Infinity (the entries equal to it share 1).
#[cold]
unsafe fn special_row(x: *const f32, out: *mut f32, n: usize, m: f32) {
    // SAFETY: 0..n inside the row; each x[i] read before out[i] is written.
    unsafe {
        if m.is_nan() {
            (0..n).for_each(|i| *out.add(i) = f32::NAN);
            return;
        }
        let count = (0..n).filter(|&i| *x.add(i) == m).count();
        let share = 1.0 / count as f32;
        for i in 0..n {
            *out.add(i) = if *x.add(i) == m { share } else { 0.0 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_is_accurate_over_its_range() {
        let mut worst = 0.0f64;
        let mut x = -103.0f32;
        while x < 88.7 {
            let xs = [x, x + 0.013, x + 0.0271, x + 0.0397];
            let got = exp(F32x4::from_array(xs)).to_array();
            for (g, &x) in got.iter().zip(&xs) {
                let want = (x as f64).exp();
                if want > f32::MAX as f64 {
                    assert_eq!(*g, f32::INFINITY, "exp({x})");
                } else if want > f32::MIN_POSITIVE as f64 {
                    worst = worst.max(((*g as f64) - want).abs() / want);
                } else {
                    // Subnormal results: within one subnormal ulp (2^-149).
                    assert!(
                        ((*g as f64) - want).abs() <= 1.5e-45,
                        "exp({x}) = {g}, want {want}"
                    );
                }
            }
            x += 0.0491;
        }
        eprintln!("exp: max relative error {worst:e}");
        assert!(worst < 1.5e-7, "max relative error {worst}");
        let special = exp(F32x4::from_array([
            f32::NEG_INFINITY,
            f32::INFINITY,
            f32::NAN,
            0.0,
        ]))
        .to_array();
        assert_eq!(special[0], 0.0);
        assert_eq!(special[1], f32::INFINITY);
        assert!(special[2].is_nan());
        assert_eq!(special[3], 1.0);
        let big = exp(F32x4::splat(88.72)).to_array()[0] as f64;
        assert!(
            (big / (88.72f32 as f64).exp() - 1.0).abs() < 3e-7,
            "exp(88.72) = {big}"
        );
        assert_eq!(exp(F32x4::splat(-200.0)).to_array()[0], 0.0);
    }
}
