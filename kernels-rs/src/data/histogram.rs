//! Histogram of `f32` values into `u32` counts, with numpy's semantics.
//!
//! **Equal-width bins** over `[lo, hi]`: the edges are `e_i = i·step + lo` in `f64` with
//! `step = (hi − lo)/bins` (numpy's `linspace`), `e_bins = hi`. Bin i counts
//! `e_i ≤ x < e_{i+1}`; the last bin also counts `x == hi`. Values outside `[lo, hi]` and NaN
//! are ignored. The bin is first estimated as `⌊(x − lo)·bins/(hi − lo)⌋` and then corrected
//! against the edges, so it is exactly the bin the edges define (numpy does the same). Without
//! a range, `[lo, hi]` is the min and max of the finite values, computed in a first phase (no
//! finite value: `[0, 1]`; `lo == hi`: `[lo − 0.5, hi + 0.5]`, as numpy).
//!
//! **Explicit edges** (`f32`, non-decreasing, validated by the runtime): bin i counts
//! `edges[i] ≤ x < edges[i+1]`, the last bin also `x == edges[bins]` (numpy's histogram with a
//! bins array); binary search per element.
//!
//! **Parallel**: chunks of ≥ [`CHUNK`] elements (more when there are many bins, so the per-chunk
//! partial histograms stay under a quarter of the input's size) count into their own partial
//! histogram in the scratch; a last phase adds the partials up, in parallel over bin ranges.
//! Counts are integers, so the result is exact and the same for any thread count. One chunk
//! counts straight into the output.
//!
//! Job: `ptr = [x, out]` or `[x, edges, out]`; `dim = [n, bins, mode]` (mode 0: range given in
//! `scalar[0..2]`, 1: range from the data, 2: edges); `bins ≥ 1`.

use crate::abi::Job;
use crate::simd::lanes::I32x4;
use crate::simd::F32x4;
use core::ops::Range;

/// Minimum elements per chunk.
pub(crate) const CHUNK: usize = 1 << 16;
/// Bins per chunk of the combining phase.
const COMBINE: usize = 1 << 14;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    MinMax,
    Count,
    Combine,
}

#[derive(Clone, Copy)]
pub(crate) struct Histogram {
    n: usize,
    bins: usize,
    mode: u32,
    x: *const f32,
    edges: *const f32,
    out: *mut u32,
    scratch: *mut u8,
    lo: f64,
    hi: f64,
}

impl Histogram {
    pub fn new(job: &Job) -> Self {
        let mode = job.dim[2];
        let (edges, out) = if mode == 2 {
            (job.ptr[1] as *const f32, job.ptr[2] as *mut u32)
        } else {
            (core::ptr::null(), job.ptr[1] as *mut u32)
        };
        Self {
            n: job.dim[0] as usize,
            bins: job.dim[1] as usize,
            mode,
            x: job.ptr[0] as *const f32,
            edges,
            out,
            scratch: job.scratch as *mut u8,
            lo: job.scalar[0],
            hi: job.scalar[1],
        }
    }

    fn auto_range(&self) -> bool {
        self.mode == 1
    }

    fn chunk_len(&self) -> usize {
        CHUNK.max(self.bins.saturating_mul(4))
    }

    fn chunks(&self) -> usize {
        self.n.div_ceil(self.chunk_len())
    }

    fn stage(&self, phase: u32) -> Stage {
        let stages: &[Stage] = if self.auto_range() {
            &[Stage::MinMax, Stage::Count, Stage::Combine]
        } else {
            &[Stage::Count, Stage::Combine]
        };
        stages[phase as usize]
    }

    pub fn phases(&self) -> u32 {
        if self.auto_range() {
            3
        } else {
            2
        }
    }

    /// Per-chunk (min, max) pairs, then the partial histograms (when more than one chunk).
    fn minmax_bytes(&self) -> usize {
        if self.auto_range() {
            self.chunks() * 2 * size_of::<f64>()
        } else {
            0
        }
    }

    pub fn scratch_bytes(&self) -> u32 {
        let c = self.chunks() as u64;
        let partials = if c > 1 { c * self.bins as u64 * 4 } else { 0 };
        let bytes = (self.minmax_bytes() as u64 + partials).next_multiple_of(8);
        u32::try_from(bytes).unwrap_or_else(|_| panic!("weft: histogram scratch of {bytes} bytes"))
    }

    fn minmax(&self) -> *mut f64 {
        self.scratch.cast()
    }

    /// Where chunk `c` counts.
    fn partial(&self, c: usize) -> *mut u32 {
        if self.chunks() == 1 {
            return self.out;
        }
        // SAFETY: inside the scratch (layout of `scratch_bytes`).
        unsafe {
            self.scratch
                .add(self.minmax_bytes())
                .cast::<u32>()
                .add(c * self.bins)
        }
    }

    /// # Safety
    /// As `data::plan`: later phases run after the previous phase completed.
    pub unsafe fn plan(&self, job: &mut Job) -> u32 {
        let c = self.chunks();
        match self.stage(job.phase) {
            Stage::MinMax => c as u32,
            Stage::Count => {
                if self.auto_range() {
                    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
                    for i in 0..c {
                        // SAFETY: phase 0 wrote c (min, max) pairs.
                        unsafe {
                            lo = lo.min(self.minmax().add(2 * i).read());
                            hi = hi.max(self.minmax().add(2 * i + 1).read());
                        }
                    }
                    if lo > hi {
                        (lo, hi) = (0.0, 1.0); // no finite value
                    } else if lo == hi {
                        (lo, hi) = (lo - 0.5, hi + 0.5);
                    }
                    job.scalar[0] = lo;
                    job.scalar[1] = hi;
                }
                c as u32
            }
            Stage::Combine => {
                if c == 1 {
                    0
                } else {
                    self.bins.div_ceil(COMBINE) as u32
                }
            }
        }
    }

    /// # Safety
    /// The job's pointers cover their lengths, the phase was planned, each chunk runs once.
    pub unsafe fn chunk(&self, phase: u32, c: usize) {
        // SAFETY (all): each chunk writes only its own scratch slot / partial / bin range.
        unsafe {
            match self.stage(phase) {
                Stage::MinMax => {
                    let (lo, hi) = finite_min_max(self.x, self.span(c));
                    self.minmax().add(2 * c).write(lo as f64);
                    self.minmax().add(2 * c + 1).write(hi as f64);
                }
                Stage::Count => {
                    let counts = core::slice::from_raw_parts_mut(self.partial(c), self.bins);
                    counts.fill(0);
                    let x = core::slice::from_raw_parts(
                        self.x.add(self.span(c).start),
                        self.span(c).len(),
                    );
                    if self.mode == 2 {
                        let edges = core::slice::from_raw_parts(self.edges, self.bins + 1);
                        count_edges(x, edges, counts);
                    } else {
                        count_uniform(x, self.lo, self.hi, counts);
                    }
                }
                Stage::Combine => {
                    let bins = c * COMBINE..self.bins.min((c + 1) * COMBINE);
                    let out = core::slice::from_raw_parts_mut(self.out.add(bins.start), bins.len());
                    out.fill(0);
                    for chunk in 0..self.chunks() {
                        let p = core::slice::from_raw_parts(
                            self.partial(chunk).add(bins.start),
                            bins.len(),
                        );
                        out.iter_mut().zip(p).for_each(|(o, &p)| *o += p);
                    }
                }
            }
        }
    }

    fn span(&self, c: usize) -> Range<usize> {
        let len = self.chunk_len();
        c * len..self.n.min((c + 1) * len)
    }
}

/// Min and max of the finite values of `x[range]` (`(+Inf, -Inf)` if none).
unsafe fn finite_min_max(x: *const f32, range: Range<usize>) -> (f32, f32) {
    let (pinf, ninf) = (F32x4::splat(f32::INFINITY), F32x4::splat(f32::NEG_INFINITY));
    let (mut lo, mut hi) = (pinf, ninf);
    let mut i = range.start;
    // SAFETY: inside range.
    unsafe {
        while i + 4 <= range.end {
            let v = F32x4::load(x.add(i));
            lo = lo.min(v.finite_or(pinf));
            hi = hi.max(v.finite_or(ninf));
            i += 4;
        }
        let (mut lo, mut hi) = (lo.hmin(), hi.hmax());
        for j in i..range.end {
            let v = *x.add(j);
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
        (lo, hi)
    }
}

/// Equal-width bins over `[lo, hi]` (`lo < hi`, both finite), numpy's edges.
///
/// Fast path, four lanes in `f32`: `f = (x − lo)·bins/(hi − lo)`; when the fractional part of
/// `f` is farther than `margin` from 0 and 1, `⌊f⌋` is certainly the bin the `f64` edges give.
/// `margin` bounds the rounding of `f` and of the edges in bin units: `f` is off by at most
/// `~(3 + M/D)·bins·2^-24` (M = max(|lo|, |hi|), D = hi − lo, including `lo` and `norm` rounded
/// to `f32`) and an edge by `~(2 + M/D)·bins·2^-53`; `margin = (8 + M/D)·bins·2^-21` covers both
/// eight times over. Lanes near an edge, outside the range or NaN take the exact path.
fn count_uniform(x: &[f32], lo: f64, hi: f64, counts: &mut [u32]) {
    let bins = counts.len();
    let margin = (8.0 + lo.abs().max(hi.abs()) / (hi - lo)) * bins as f64 * 2f64.powi(-21);
    let (lo32, norm32) = (lo as f32, (bins as f64 / (hi - lo)) as f32);
    let mut rest = x;
    if margin < 0.25 && lo32.is_finite() && norm32.is_finite() && norm32 > 0.0 {
        let (vlo, vnorm) = (F32x4::splat(lo32), F32x4::splat(norm32));
        let (vm, vm1, vbins) = (
            F32x4::splat(margin as f32),
            F32x4::splat(1.0 - margin as f32),
            I32x4::splat(bins as i32),
        );
        let mut quads = x.chunks_exact(4);
        for q in &mut quads {
            // SAFETY: q holds 4 floats.
            let v = unsafe { F32x4::load(q.as_ptr()) };
            let f = v.sub(vlo).mul(vnorm);
            let i = f.trunc_sat();
            let frac = f.sub(i.to_f32());
            let sure = frac.gt(vm).and(frac.lt(vm1)).and(i.lt(vbins)).bitmask();
            let i = i.to_array();
            if sure == 0b1111 {
                for i in i {
                    counts[i as usize] += 1;
                }
            } else {
                for k in 0..4 {
                    if sure & (1 << k) != 0 {
                        counts[i[k] as usize] += 1;
                    } else {
                        count_exact(q[k], lo, hi, counts);
                    }
                }
            }
        }
        rest = quads.remainder();
    }
    for &v in rest {
        count_exact(v, lo, hi, counts);
    }
}

/// One value into numpy's equal-width bins, exactly (scalar `f64`).
#[inline(always)]
fn count_exact(v: f32, lo: f64, hi: f64, counts: &mut [u32]) {
    let bins = counts.len();
    let v = v as f64;
    if !(v >= lo && v <= hi) {
        return; // outside, or NaN
    }
    let step = (hi - lo) / bins as f64;
    let edge = |i: usize| i as f64 * step + lo;
    let mut i = ((v - lo) * (bins as f64 / (hi - lo))) as usize;
    if i >= bins {
        i = bins - 1;
    }
    // The estimate is within one bin of the edges' answer (as numpy relies on); settle it on
    // the edges, and fall back to bisection if it was further off.
    if v < edge(i) {
        i -= 1;
        if v < edge(i) {
            i = search(v, bins, edge);
        }
    } else if i + 1 < bins && v >= edge(i + 1) {
        i += 1;
        if i + 1 < bins && v >= edge(i + 1) {
            i = search(v, bins, edge);
        }
    }
    counts[i] += 1;
}

/// The last bin whose left edge is ≤ v (v in [lo, hi]), by bisection.
#[cold]
fn search(v: f64, bins: usize, edge: impl Fn(usize) -> f64) -> usize {
    let (mut base, mut len) = (0, bins);
    while len > 1 {
        let half = len / 2;
        if edge(base + half) <= v {
            base += half;
        }
        len -= half;
    }
    base
}

/// Bins given by non-decreasing `edges` (`bins + 1` of them), binary search per element.
fn count_edges(x: &[f32], edges: &[f32], counts: &mut [u32]) {
    let bins = counts.len();
    let (first, last) = (edges[0], edges[bins]);
    for &v in x {
        if !(v >= first && v <= last) {
            continue;
        }
        let bin = if v == last {
            bins - 1
        } else {
            // The last edge ≤ v (edges[base] ≤ v holds throughout; v < last bounds it).
            let (mut base, mut len) = (0, edges.len());
            while len > 1 {
                let half = len / 2;
                if edges[base + half] <= v {
                    base += half;
                }
                len -= half;
            }
            base
        };
        counts[bin] += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_bins_follow_the_edges() {
        let mut c = [0u32; 4];
        count_uniform(
            &[0.0, 0.25, 0.5, 0.999, 1.0, -0.1, 1.1, f32::NAN],
            0.0,
            1.0,
            &mut c,
        );
        assert_eq!(c, [1, 1, 1, 2]);
    }

    /// The f32 fast path agrees with the exact f64 path everywhere, edges and their neighbours
    /// included, for ranges where it applies and where it must stand aside.
    #[test]
    fn fast_path_agrees_with_exact_path() {
        let ranges = [
            (-1.0, 1.0, 256),
            (-1.0, 1.0, 7),
            (0.0, 1.0, 3000),
            (1e6, 1e6 + 1.0, 1000),
            (0.0, 1e-30, 10),
            (-3e38, 3e38, 7),
            (0.1, 0.3, 100_000),
            (-5.5, 1234.25, 4096),
        ];
        let mut seed = 1u64;
        for (lo, hi, bins) in ranges {
            let step = (hi - lo) / bins as f64;
            let mut x = Vec::new();
            for i in 0..=bins {
                let e = (i as f64 * step + lo) as f32;
                x.extend([
                    e,
                    f32::from_bits(e.to_bits() + 1),
                    f32::from_bits(e.to_bits().wrapping_sub(1)),
                ]);
            }
            for _ in 0..20_000 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (seed >> 11) as f64 / (1u64 << 53) as f64;
                x.push((lo + (hi - lo) * (1.2 * u - 0.1)) as f32);
            }
            x.extend([
                f32::NAN,
                f32::INFINITY,
                f32::NEG_INFINITY,
                lo as f32,
                hi as f32,
            ]);
            let mut fast = vec![0u32; bins];
            count_uniform(&x, lo, hi, &mut fast);
            let mut exact = vec![0u32; bins];
            x.iter().for_each(|&v| count_exact(v, lo, hi, &mut exact));
            assert_eq!(fast, exact, "[{lo}, {hi}] {bins} bins");
        }
    }

    #[test]
    fn edges_bins_are_right_open_except_the_last() {
        let mut c = [0u32; 3];
        count_edges(
            &[0.0, 1.0, 1.5, 2.0, 3.0, 3.5, -1.0, f32::NAN],
            &[0.0, 1.0, 2.0, 3.0],
            &mut c,
        );
        assert_eq!(c, [1, 2, 2]);
        let mut c = [0u32; 2];
        count_edges(&[1.0, 0.5, 0.0], &[0.0, 1.0, 1.0], &mut c);
        assert_eq!(c, [2, 1]);
    }
}
