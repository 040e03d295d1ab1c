//! "Same"-size 2-D correlation of an `f32` plane with a `k×k` filter (k odd), zero padding.
//!
//! `out[y][x] = Σ_{i,j} f[i][j] · x[y + i - c][x + j - c]`, `c = k/2`, the filter not flipped.
//! Taps that fall outside the image are skipped (the same as multiplying by a zero pad for a
//! finite filter; a NaN or infinite weight over the padding does not poison the edge). Each
//! output is accumulated from 0 over its taps in row-major order with [`F32x4::mul_add`], so it
//! depends only on its own inputs, never on chunking or vector position; like axpy, the
//! relaxed-SIMD build fuses the multiply-add and the SIMD128 build does not.
//!
//! Chunks are bands of output rows. Inside a row, the interior columns (every column tap
//! inside the image) run SIMD over 32 output columns at a time, accumulators in registers, one
//! unaligned load and one multiply-add per tap and vector; the `c` columns at each edge take the
//! per-tap checked path.

use super::{band_rows, TARGET_CHUNKS};
use crate::abi::Job;
use crate::simd::F32x4;

pub(crate) struct Conv2d {
    x: *const f32,
    f: *const f32,
    out: *mut f32,
    w: usize,
    h: usize,
    k: usize,
}

/// Vectors of the interior block: 8 × 4 = 32 output columns in registers.
const BLOCK: usize = 8;

impl Conv2d {
    pub fn new(job: &Job) -> Self {
        let k = job.dim[2] as usize;
        assert!(k % 2 == 1, "weft: conv2d filter size {k} is not odd");
        Self {
            x: job.ptr[0] as *const f32,
            f: job.ptr[1] as *const f32,
            out: job.ptr[2] as *mut f32,
            w: job.dim[0] as usize,
            h: job.dim[1] as usize,
            k,
        }
    }

    fn band(&self) -> usize {
        let row_work = self.w as u64 * (self.k * self.k) as u64 / 4 + self.w as u64;
        band_rows(self.h, row_work, TARGET_CHUNKS)
    }

    pub fn n_chunks(&self) -> usize {
        if self.w == 0 || self.h == 0 {
            return 0;
        }
        self.h.div_ceil(self.band())
    }

    /// # Safety
    /// The contract of [`super::ImageKernel::Conv2d`].
    pub unsafe fn run_chunk(&self, chunk: usize) {
        let band = self.band();
        for y in chunk * band..self.h.min((chunk + 1) * band) {
            // SAFETY: forwarded; row y belongs to this chunk.
            unsafe { self.row(y) };
        }
    }

    unsafe fn row(&self, y: usize) {
        let (w, h, k) = (self.w, self.h, self.k);
        let c = k / 2;
        // Filter rows whose input row is inside the image.
        let taps = c.saturating_sub(y)..k.min(h + c - y);
        // SAFETY (whole fn): every load below is at a row in 0..h and a column in 0..w (checked
        // per tap on the edges, by construction inside), every store in row y.
        let out = unsafe { self.out.add(y * w) };
        let in_row = |i: usize| unsafe { self.x.add((y + i - c) * w) };
        let weight = |i: usize, j: usize| unsafe { *self.f.add(i * k + j) };
        // Interior columns c..w-c (every column tap inside); the rest are edge columns.
        let (inner_start, inner_end) = if w > 2 * c { (c, w - c) } else { (w, w) };
        let edge = |x: usize| {
            let mut acc = F32x4::zero();
            for i in taps.clone() {
                let src = in_row(i);
                for j in 0..k {
                    let sx = (x + j).wrapping_sub(c);
                    if sx < w {
                        let v = F32x4::splat(unsafe { *src.add(sx) });
                        acc = F32x4::splat(weight(i, j)).mul_add(v, acc);
                    }
                }
            }
            unsafe { *out.add(x) = acc.to_array()[0] };
        };
        for x in (0..inner_start).chain(inner_end..w) {
            edge(x);
        }
        let mut x = inner_start;
        while x + BLOCK * 4 <= inner_end {
            unsafe { self.block::<BLOCK>(x, y, taps.clone()) };
            x += BLOCK * 4;
        }
        while x + 4 <= inner_end {
            unsafe { self.block::<1>(x, y, taps.clone()) };
            x += 4;
        }
        if x < inner_end {
            let len = inner_end - x;
            let mut acc = F32x4::zero();
            for i in taps.clone() {
                let src = in_row(i);
                for j in 0..k {
                    let v = unsafe { F32x4::load_partial(src.add(x + j - c), len, 0.0) };
                    acc = F32x4::splat(weight(i, j)).mul_add(v, acc);
                }
            }
            unsafe { acc.store_partial(out.add(x), len) };
        }
    }

    /// Output columns `x..x+4V` of row `y`, all inside the interior.
    ///
    /// # Safety
    /// `c ≤ x` and `x + 4V ≤ w - c`; `taps` are the filter rows inside the image for row `y`.
    #[inline(always)]
    unsafe fn block<const V: usize>(&self, x: usize, y: usize, taps: core::ops::Range<usize>) {
        let (w, k) = (self.w, self.k);
        let c = k / 2;
        let mut acc = [F32x4::zero(); V];
        for i in taps {
            // SAFETY: input row y + i - c is inside the image (taps), columns x - c .. x + 4V + c
            // are inside the row (contract).
            unsafe {
                let src = self.x.add((y + i - c) * w + x - c);
                let frow = self.f.add(i * k);
                for j in 0..k {
                    let wv = F32x4::splat(*frow.add(j));
                    for (v, a) in acc.iter_mut().enumerate() {
                        *a = wv.mul_add(F32x4::load(src.add(j + 4 * v)), *a);
                    }
                }
            }
        }
        for (v, a) in acc.iter().enumerate() {
            // SAFETY: row y, columns inside the row (contract).
            unsafe { a.store(self.out.add(y * w + x + 4 * v)) };
        }
    }
}
