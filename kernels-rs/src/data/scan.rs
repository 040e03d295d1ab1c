//! Prefix sum of `f32` (inclusive or exclusive), deterministic for any thread count.
//!
//! **Blocking** depends only on n: chunks of [`CHUNK`] elements, each cut into sub-blocks of
//! [`SUB`] elements (so sub-blocks start at multiples of 64 of the whole array).
//!
//! - Phase 0 (only when n > CHUNK): each chunk's total, summed in `f64` (each `f32` widened).
//! - `plan` of phase 1: exclusive scan of the chunk totals in `f64` — the chunk offsets.
//! - Phase 1: within each sub-block a running `f32` sum in registers (4-lane in-register scan
//!   plus a carried total); the output is `f32(base) + running`, where `base` is the `f64` sum
//!   of everything before the sub-block (the chunk offset plus the `f64` totals of the earlier
//!   sub-blocks of the chunk).
//!
//! **Accuracy.** The `f32` running sum never spans more than 64 terms, and the sum before the
//! sub-block is carried in `f64`, so for output i, with `A = Σ_{j≤i} |x_j|` and `W` the same sum
//! over the sub-block of i only: `|out_i − exact_i| ≤ 2^-24·(A + |exact_i|) + 64·2^-24·W`
//! (rounding of `base` to `f32`, of the final add, and of at most 64 `f32` partial sums).
//! A sum that overflows `f32` inside one sub-block is ±Infinity even if later terms would bring
//! it back; NaN and ±Infinity otherwise propagate as in a sequential sum.

use crate::simd::lanes::F64x2;
use crate::simd::F32x4;
use core::ops::Range;

/// Elements per chunk (256 KiB in, 256 KiB out).
pub(crate) const CHUNK: usize = 1 << 16;
/// Elements whose running sum is kept in `f32`.
pub(crate) const SUB: usize = 64;
const _: () = assert!(CHUNK.is_multiple_of(SUB) && SUB.is_multiple_of(4));

#[derive(Clone, Copy)]
pub(crate) struct Scan {
    n: usize,
    exclusive: bool,
    x: *const f32,
    out: *mut f32,
    /// Chunk totals, then (after `plan` of phase 1) chunk offsets.
    partials: *mut f64,
}

impl Scan {
    pub fn new(job: &crate::abi::Job) -> Self {
        Self {
            n: job.dim[0] as usize,
            exclusive: job.dim[1] != 0,
            x: job.ptr[0] as *const f32,
            out: job.ptr[1] as *mut f32,
            partials: job.scratch as *mut f64,
        }
    }

    fn chunks(&self) -> usize {
        self.n.div_ceil(CHUNK)
    }

    pub fn phases(&self) -> u32 {
        if self.n <= CHUNK {
            1
        } else {
            2
        }
    }

    pub fn scratch_bytes(&self) -> u32 {
        if self.n <= CHUNK {
            0
        } else {
            (self.chunks() * size_of::<f64>()) as u32
        }
    }

    /// # Safety
    /// Phase 1: phase 0 completed (all chunk totals written).
    pub unsafe fn plan(&self, phase: u32) -> u32 {
        let c = self.chunks();
        if phase == 1 {
            let mut at = 0.0f64;
            for i in 0..c {
                // SAFETY: the scratch holds c totals.
                unsafe {
                    let p = self.partials.add(i);
                    let total = p.read();
                    p.write(at);
                    at += total;
                }
            }
        }
        c as u32
    }

    /// # Safety
    /// x readable and out writable over n elements (out may equal x); each chunk once.
    pub unsafe fn chunk(&self, phase: u32, c: usize) {
        let range = c * CHUNK..self.n.min((c + 1) * CHUNK);
        // SAFETY: forwarded; slot c of the scratch belongs to chunk c.
        unsafe {
            if self.n <= CHUNK {
                self.scan(range, 0.0);
            } else if phase == 0 {
                self.partials.add(c).write(total(self.x, range));
            } else {
                self.scan(range, self.partials.add(c).read());
            }
        }
    }

    /// The running sum over `range`, starting from `base`.
    unsafe fn scan(&self, range: Range<usize>, mut base: f64) {
        let (x, out) = (self.x, self.out);
        let mut i = range.start;
        // SAFETY (all): i..i+4 (or the tail) lies inside range; each vector of x is loaded
        // before the same elements of out are stored (in place is fine).
        unsafe {
            while i < range.end {
                let end = range.end.min(i + SUB);
                let b = F32x4::splat(base as f32);
                let mut carry = F32x4::zero();
                let (mut lo, mut hi) = (F64x2::splat(0.0), F64x2::splat(0.0));
                let mut step = |v: F32x4, carry: &mut F32x4| {
                    let s = v.scan().add(*carry);
                    // Exclusive: shift in the previous total (every lane of carry holds it).
                    let o = if self.exclusive {
                        carry.shuffle::<3, 4, 5, 6>(s)
                    } else {
                        s
                    };
                    *carry = s.broadcast3();
                    lo = lo.add(v.promote_low());
                    hi = hi.add(v.promote_high());
                    b.add(o)
                };
                while i + 4 <= end {
                    let v = F32x4::load(x.add(i));
                    step(v, &mut carry).store(out.add(i));
                    i += 4;
                }
                if i < end {
                    let len = end - i;
                    let v = F32x4::load_partial(x.add(i), len, 0.0);
                    step(v, &mut carry).store_partial(out.add(i), len);
                    i = end;
                }
                base += lo.add(hi).sum();
            }
        }
    }
}

/// `Σ x[range]` in `f64`.
unsafe fn total(x: *const f32, range: Range<usize>) -> f64 {
    let mut acc = [F64x2::splat(0.0); 4];
    let mut i = range.start;
    // SAFETY: inside range.
    unsafe {
        while i + 8 <= range.end {
            let (a, b) = (F32x4::load(x.add(i)), F32x4::load(x.add(i + 4)));
            acc[0] = acc[0].add(a.promote_low());
            acc[1] = acc[1].add(a.promote_high());
            acc[2] = acc[2].add(b.promote_low());
            acc[3] = acc[3].add(b.promote_high());
            i += 8;
        }
        let mut s = acc[0].add(acc[1]).add(acc[2].add(acc[3])).sum();
        for j in i..range.end {
            s += *x.add(j) as f64;
        }
        s
    }
}
