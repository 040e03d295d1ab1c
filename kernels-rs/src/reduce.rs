//! Reductions to one `f64`: sum, dot, min, max — all through one driver, [`chunk`].
//!
//! A job is reduced in two levels so that the result is the same for any number of threads:
//! each chunk (a fixed index range) reduces to an `f64` partial in the job's scratch, and
//! [`finish`] combines the partials in chunk order.
//!
//! Accuracy: within a chunk, [`ACCUMULATORS`] `f32x4` accumulators (16 lanes) run over a block
//! of [`BLOCK`] elements, so each `f32` lane sums at most 64 terms before the block is folded
//! into the chunk's `f64` total. The rounding error therefore grows with 64, not with `n`.

use crate::simd::F32x4;
use core::ops::Range;

/// Elements per chunk: 64 Ki elements (256 KiB per input) take ~5–10 µs on one thread (measured
/// in Node), the same grain as the elementwise kernels. Anything up to one chunk runs on the
/// caller alone.
pub(crate) const CHUNK: usize = 1 << 16;

/// Elements accumulated in `f32` before folding into `f64`.
const BLOCK: usize = 1024;

/// Independent accumulators: hide the add latency (3–4 cycles) behind independent work.
const ACCUMULATORS: usize = 4;

/// One reduction over `N` input arrays.
pub(crate) trait Reduction<const N: usize> {
    /// Neutral element: starts every accumulator and pads the lanes past the end of the input.
    /// It is also the result for empty input.
    const IDENTITY: f32;
    /// Folds one vector of each input into an accumulator.
    fn step(acc: F32x4, x: [F32x4; N]) -> F32x4;
    /// Combines two partial results (lanes into a block total, blocks into a chunk, chunks).
    fn combine(a: f64, b: f64) -> f64;
}

/// `sum(x)`. NaN if any element is NaN (or +Inf and -Inf both occur).
pub(crate) struct Sum;
/// `sum(x[i] * y[i])`.
pub(crate) struct Dot;
/// `min(x)`: +Infinity when empty, NaN if any element is NaN.
pub(crate) struct Min;
/// `max(x)`: -Infinity when empty, NaN if any element is NaN.
pub(crate) struct Max;

impl Reduction<1> for Sum {
    const IDENTITY: f32 = 0.0;
    #[inline(always)]
    fn step(acc: F32x4, [x]: [F32x4; 1]) -> F32x4 {
        acc.add(x)
    }
    #[inline(always)]
    fn combine(a: f64, b: f64) -> f64 {
        a + b
    }
}

impl Reduction<2> for Dot {
    const IDENTITY: f32 = 0.0;
    #[inline(always)]
    fn step(acc: F32x4, [x, y]: [F32x4; 2]) -> F32x4 {
        x.mul_add(y, acc)
    }
    #[inline(always)]
    fn combine(a: f64, b: f64) -> f64 {
        a + b
    }
}

impl Reduction<1> for Min {
    const IDENTITY: f32 = f32::INFINITY;
    #[inline(always)]
    fn step(acc: F32x4, [x]: [F32x4; 1]) -> F32x4 {
        acc.min(x)
    }
    #[inline(always)]
    fn combine(a: f64, b: f64) -> f64 {
        // f64::min ignores NaN; the contract (like wasm f32x4.min) is to propagate it.
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            a.min(b)
        }
    }
}

impl Reduction<1> for Max {
    const IDENTITY: f32 = f32::NEG_INFINITY;
    #[inline(always)]
    fn step(acc: F32x4, [x]: [F32x4; 1]) -> F32x4 {
        acc.max(x)
    }
    #[inline(always)]
    fn combine(a: f64, b: f64) -> f64 {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            a.max(b)
        }
    }
}

/// Reduces `inputs[..][range]` to one `f64` partial.
///
/// # Safety
/// Each input must be valid for reads over `range`.
pub(crate) unsafe fn chunk<R: Reduction<N>, const N: usize>(
    inputs: [*const f32; N],
    range: Range<usize>,
) -> f64 {
    const STEP: usize = ACCUMULATORS * F32x4::LANES;
    let load = |i: usize| {
        // SAFETY: callers below only pass i with i+4 <= range.end.
        inputs.map(|x| unsafe { F32x4::load(x.add(i)) })
    };
    let mut total = f64::from(R::IDENTITY);
    let mut start = range.start;
    while start < range.end {
        let end = range.end.min(start + BLOCK);
        let mut acc = [F32x4::splat(R::IDENTITY); ACCUMULATORS];
        let mut i = start;
        while i + STEP <= end {
            for (a, acc) in acc.iter_mut().enumerate() {
                *acc = R::step(*acc, load(i + a * F32x4::LANES));
            }
            i += STEP;
        }
        while i + F32x4::LANES <= end {
            acc[0] = R::step(acc[0], load(i));
            i += F32x4::LANES;
        }
        if i < end {
            // SAFETY: i..end (< 4 elements) lies inside `range`.
            let v = inputs.map(|x| unsafe { F32x4::load_partial(x.add(i), end - i, R::IDENTITY) });
            acc[0] = R::step(acc[0], v);
        }
        for lane in acc.iter().flat_map(|a| a.to_array()) {
            total = R::combine(total, f64::from(lane));
        }
        start = end;
    }
    total
}

/// Combines the chunk partials in chunk order (the order is what makes results thread-count
/// independent).
pub(crate) fn finish<R: Reduction<N>, const N: usize>(partials: &[f64]) -> f64 {
    partials
        .iter()
        .fold(f64::from(R::IDENTITY), |a, &b| R::combine(a, b))
}
