//! Elementwise kernels over `f32` arrays: add, mul, axpy, scale — all through one driver, [`map`].
//!
//! Every kernel here works on a caller-given index range, so one chunk of a job is one
//! contiguous range of the output and chunks never share a cache line except at their ends.
//!
//! Aliasing: the output may be *exactly* one of the inputs (`out == x`, the in-place case, e.g.
//! BLAS axpy writing into `y`). This is sound because each vector of inputs is loaded before the
//! vector of output at the same index is stored, and nothing else is read from there later. A
//! partial overlap is not allowed: a later load would see an already-written output.

use crate::simd::F32x4;
use core::ops::Range;

/// Elements per chunk: 32 Ki elements (384 KiB of traffic for a two-input kernel) take ~5–10 µs
/// on one thread (measured in Node), about the cost of handing a chunk to another thread, and
/// about the grain of the other kernels. Anything up to one chunk runs on the caller alone.
pub(crate) const CHUNK: usize = 1 << 15;

/// `out[i] = f(inputs[0][i], inputs[1][i], ...)` for `i` in `range`, four lanes at a time.
///
/// # Safety
/// Each input must be valid for reads and `out` for writes over `range`. `out` may equal an
/// input but must not partially overlap one, and no other thread may access `out[range]`.
#[inline(always)]
unsafe fn map<const N: usize>(
    inputs: [*const f32; N],
    out: *mut f32,
    range: Range<usize>,
    f: impl Fn([F32x4; N]) -> F32x4,
) {
    debug_assert!(inputs.iter().all(|&x| {
        let (x, o) = (x as usize, out as usize);
        let bytes = range.end * size_of::<f32>();
        x == o || x + bytes <= o || o + bytes <= x
    }));
    let mut i = range.start;
    while i + F32x4::LANES <= range.end {
        // SAFETY: i..i+4 lies inside `range`, valid for all inputs and the output (contract).
        unsafe {
            let v = inputs.map(|x| F32x4::load(x.add(i)));
            f(v).store(out.add(i));
        }
        i += F32x4::LANES;
    }
    let tail = range.end - i;
    if tail > 0 {
        // SAFETY: i..range.end (tail < 4 elements) lies inside `range`.
        unsafe {
            let v = inputs.map(|x| F32x4::load_partial(x.add(i), tail, 0.0));
            f(v).store_partial(out.add(i), tail);
        }
    }
}

/// `out[i] = x[i] + y[i]` for `i` in `range`.
///
/// # Safety
/// As [`map`]: `x`, `y` readable and `out` writable over `range`; `out` may equal `x` or `y`.
pub(crate) unsafe fn add(x: *const f32, y: *const f32, out: *mut f32, range: Range<usize>) {
    // SAFETY: forwarded contract.
    unsafe { map([x, y], out, range, |[x, y]| x.add(y)) }
}

/// `out[i] = x[i] * y[i]` for `i` in `range`.
///
/// # Safety
/// As [`add`].
pub(crate) unsafe fn mul(x: *const f32, y: *const f32, out: *mut f32, range: Range<usize>) {
    // SAFETY: forwarded contract.
    unsafe { map([x, y], out, range, |[x, y]| x.mul(y)) }
}

/// `out[i] = alpha * x[i] + y[i]` for `i` in `range` (fused in the relaxed-SIMD build).
///
/// # Safety
/// As [`add`]; `out == y` is BLAS's in-place axpy.
pub(crate) unsafe fn axpy(
    alpha: f32,
    x: *const f32,
    y: *const f32,
    out: *mut f32,
    range: Range<usize>,
) {
    let alpha = F32x4::splat(alpha);
    // SAFETY: forwarded contract.
    unsafe { map([x, y], out, range, |[x, y]| alpha.mul_add(x, y)) }
}

/// `out[i] = alpha * x[i]` for `i` in `range`.
///
/// # Safety
/// `x` readable and `out` writable over `range`; `out` may equal `x`.
pub(crate) unsafe fn scale(alpha: f32, x: *const f32, out: *mut f32, range: Range<usize>) {
    let alpha = F32x4::splat(alpha);
    // SAFETY: forwarded contract.
    unsafe { map([x], out, range, |[x]| alpha.mul(x)) }
}
