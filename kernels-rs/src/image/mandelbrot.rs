//! The Mandelbrot set as an RGBA image, one chunk per row.
//!
//! Pixel `(x, y)` is `c = (cx + (x - w/2)·s, cy + (y - h/2)·s)`, computed in f64. From `z = 0`:
//!
//! ```text
//! n = 0
//! while n < max_iter:
//!     zr2 = zr·zr; zi2 = zi·zi
//!     if !(zr2 + zi2 <= 4): break            escaped after n iterations
//!     zi = (zr + zr)·zi + ci; zr = (zr2 - zi2) + cr; n += 1
//! ```
//!
//! in one of two precisions, chosen per call by [`use_f32`]:
//!
//! - **f32** when the view is coarse, `s ≥ 2^-17·max(1, |cx|, |cy|)` (neighbouring pixels are
//!   then ≥ 64 f32 ulps apart): `c` is rounded to f32 and every operation above is an IEEE f32
//!   operation (`Math.fround` after each one reproduces it in JavaScript). `f32x4`, 8 pixels
//!   per group: twice the pixels per instruction of f64.
//! - **f64** otherwise (deeper zoom, where f32 would break up into blocks): IEEE f64, `f64x2`,
//!   6 pixels per group.
//!
//! Nothing is fused, so any implementation of the same operations in the same order, in the
//! same precision, gets the same counts. `n == max_iter` is inside: opaque black. Otherwise
//! the colour is [`PALETTE`]`[n % 64]`, a cyclic gradient through eight colours, eight
//! iterations apart, linearly interpolated in integers — a function of `n` only.
//!
//! A group's lanes iterate together; `live` is a sticky mask, so a lane counts only until it
//! first escapes (its z keeps iterating, to Inf and NaN, off the critical path; `NaN <= 4` is
//! false). The group stops when no lane is live (checked every 4 iterations) or at `max_iter`.

use crate::abi::Job;
use crate::simd::lanes::{F64x2, I32x4, I64x2};
use crate::simd::F32x4;

/// Control colours of the cyclic palette (RGB).
const STOPS: [[u32; 3]; 8] = [
    [0, 7, 100],
    [32, 107, 203],
    [237, 255, 255],
    [255, 170, 0],
    [160, 60, 0],
    [60, 10, 40],
    [10, 2, 60],
    [0, 30, 140],
];
/// Iterations between two control colours.
const SEG: u32 = 8;

/// `PALETTE[p]` for `p = n % 64`: stops `a = STOPS[p / 8]`, `b = STOPS[(p / 8 + 1) % 8]`,
/// `f = p % 8`, each channel `(a·(8 - f) + b·f + 4) / 8` (integer division), alpha 255. As
/// little-endian RGBA words.
pub(crate) const PALETTE: [u32; 64] = {
    let mut lut = [0u32; 64];
    let mut p = 0;
    while p < 64 {
        let (k, f) = (p as u32 / SEG, p as u32 % SEG);
        let (a, b) = (STOPS[k as usize], STOPS[((k + 1) % 8) as usize]);
        let mut rgba = 255u32 << 24;
        let mut ch = 0;
        while ch < 3 {
            let v = (a[ch] * (SEG - f) + b[ch] * f + SEG / 2) / SEG;
            rgba |= v << (8 * ch);
            ch += 1;
        }
        lut[p] = rgba;
        p += 1;
    }
    lut
};
/// Opaque black, for points inside the set.
const INSIDE: u32 = 255 << 24;
/// `f64x2` vectors iterated together (2 pixels each): independent chains to hide the latency
/// of an iteration (mul → sub → add); with 4 the group's state no longer fits the 16 vector
/// registers of x86-64 (measured: 3 ≥ 2 ≥ 4 in V8).
const F64_VECTORS: usize = 3;
/// `f32x4` vectors iterated together (4 pixels each).
const F32_VECTORS: usize = 2;
/// A group's counts fit the 8-entry array `run_row` hands it.
const _: () = assert!(2 * F64_VECTORS <= 8 && 4 * F32_VECTORS <= 8);
/// Iterations between two checks whether any lane of a group is still live.
const BLOCK: u32 = 4;

/// True if the view is coarse enough for f32: `scale ≥ 2^-17·max(1, |cx|, |cy|)`.
pub(crate) fn use_f32(cx: f64, cy: f64, scale: f64) -> bool {
    scale >= 1.0f64.max(cx.abs()).max(cy.abs()) / 131072.0
}

/// `fn $name<const V: usize>`: the escape counts of pixels `x..x + N·V`, iterated in `V`
/// vectors of type `$v` (`N` lanes of `$real`, `c` rounded to `$real` from its f64 value), with
/// `$counts` counters. Lanes past the row's end are computed, not stored. A macro rather than a
/// generic function: both precisions' lane types have the same methods, but no common trait.
macro_rules! group {
    ($name:ident: $v:ident of $n:literal $real:ty, counted in $counts:ident) => {
        #[inline(always)]
        fn $name<const V: usize>(&self, x: usize, ci: f64, counts: &mut [u32; 8]) {
            let ci = $v::splat(ci as $real);
            let cr: [$v; V] = core::array::from_fn(|v| {
                $v::from_array(core::array::from_fn(|k| self.re(x + $n * v + k) as $real))
            });
            let four = $v::splat(4.0);
            let mut zr = [$v::splat(0.0); V];
            let mut zi = [$v::splat(0.0); V];
            let mut n = [$counts::zero(); V];
            let mut live = [zr[0].le(four); V];
            let mut done = 0;
            while done < self.max_iter {
                let steps = BLOCK.min(self.max_iter - done);
                for _ in 0..steps {
                    for v in 0..V {
                        let zr2 = zr[v].mul(zr[v]);
                        let zi2 = zi[v].mul(zi[v]);
                        live[v] = live[v].and(zr2.add(zi2).le(four));
                        n[v] = n[v].count(live[v]);
                        zi[v] = zr[v].add(zr[v]).mul(zi[v]).add(ci);
                        zr[v] = zr2.sub(zi2).add(cr[v]);
                    }
                }
                done += steps;
                if !live.iter().fold(live[0], |a, &m| a.or(m)).any() {
                    break;
                }
            }
            for v in 0..V {
                for (k, c) in n[v].to_array().into_iter().enumerate() {
                    counts[$n * v + k] = c as u32;
                }
            }
        }
    };
}

pub(crate) struct Mandelbrot {
    out: *mut u8,
    w: usize,
    h: usize,
    max_iter: u32,
    cx: f64,
    cy: f64,
    scale: f64,
}

impl Mandelbrot {
    pub fn new(job: &Job) -> Self {
        Self {
            out: job.ptr[0] as *mut u8,
            w: job.dim[0] as usize,
            h: job.dim[1] as usize,
            max_iter: job.dim[2],
            cx: job.scalar[0],
            cy: job.scalar[1],
            scale: job.scalar[2],
        }
    }

    /// One chunk per row.
    pub fn n_chunks(&self) -> usize {
        if self.w == 0 {
            0
        } else {
            self.h
        }
    }

    fn re(&self, x: usize) -> f64 {
        self.cx + (x as f64 - self.w as f64 / 2.0) * self.scale
    }

    /// Renders row `y`.
    ///
    /// # Safety
    /// `out` holds `w·h` RGBA pixels; no one else writes row `y`.
    pub unsafe fn run_row(&self, y: usize) {
        debug_assert!(y < self.h);
        let ci = self.cy + (y as f64 - self.h as f64 / 2.0) * self.scale;
        // SAFETY: row y of the output (contract).
        let row = unsafe { self.out.add(y * self.w * 4).cast::<u32>() };
        let f32 = use_f32(self.cx, self.cy, self.scale);
        let (group, tail) = if f32 {
            (4 * F32_VECTORS, 4)
        } else {
            (2 * F64_VECTORS, 2)
        };
        let mut x = 0;
        while x < self.w {
            let n = if x + group <= self.w {
                group
            } else {
                (self.w - x).min(tail)
            };
            let mut counts = [0u32; 8];
            match (f32, n == group) {
                (true, true) => self.group_f32::<F32_VECTORS>(x, ci, &mut counts),
                (true, false) => self.group_f32::<1>(x, ci, &mut counts),
                (false, true) => self.group_f64::<F64_VECTORS>(x, ci, &mut counts),
                (false, false) => self.group_f64::<1>(x, ci, &mut counts),
            }
            for (i, &c) in counts.iter().enumerate().take(n) {
                let rgba = if c >= self.max_iter {
                    INSIDE
                } else {
                    PALETTE[(c % 64) as usize]
                };
                // SAFETY: pixel x + i < w of row y.
                unsafe { row.add(x + i).write_unaligned(rgba.to_le()) };
            }
            x += n;
        }
    }

    group!(group_f64: F64x2 of 2 f64, counted in I64x2);
    group!(group_f32: F32x4 of 4 f32, counted in I32x4);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn palette_is_a_cyclic_gradient() {
        let rgb = |p: usize| PALETTE[p].to_le_bytes();
        assert_eq!(rgb(0), [0, 7, 100, 255]);
        assert_eq!(rgb(8), [32, 107, 203, 255]);
        // Halfway between stops 0 and 1: (0·4 + 32·4 + 4)/8 = 16, (7·4 + 107·4 + 4)/8 = 57, ….
        assert_eq!(rgb(4), [16, 57, 152, 255]);
        // Consecutive entries differ by at most a stop difference / 8 (+1) per channel.
        for p in 0..64 {
            let (a, b) = (rgb(p), rgb((p + 1) % 64));
            for ch in 0..3 {
                assert!((a[ch] as i32 - b[ch] as i32).abs() <= 33, "p={p} ch={ch}");
            }
        }
    }
}
