//! Gaussian and box blur of RGBA images: separable, two phases, exact integer arithmetic.
//!
//! **Phase 0** (horizontal, chunks = bands of rows) blurs each row into an intermediate image in
//! the job's scratch; **phase 1** (vertical, chunks = strips of [`STRIP`] columns × bands of
//! rows, so the rows a strip re-reads stay in cache) blurs its columns into the output. Edges
//! are replicated (clamped coordinates). All four channels, alpha included, are blurred alike.
//!
//! # Gaussian: fixed point
//! Weights are integers summing to exactly `2^14` ([`gaussian_weights`]: the reference
//! implementations in the tests compute the same integers). With pixel values `v` (u8):
//!
//! ```text
//! h[y][x] = (Σ_t w[t]·v[y][clamp(x+t)] + 2^6) >> 7            i16, 7 fractional bits (≤ 32640)
//! out[y][x] = (Σ_t w[t]·h[clamp(y+t)][x] + 2^20) >> 21         u8, rounded half up
//! ```
//!
//! Every partial sum fits an `i32` and every operand an `i16`, so both passes are
//! `i32x4.dot_i16x8_s` multiply-adds over pairs of taps. Radius 0 is an exact copy.
//!
//! # Box: running sums
//! `h[y][x] = Σ_{|t|≤r} v[y][clamp(x+t)]` (i32 intermediate), then a running column sum
//! `T = Σ_{|t|≤r} h[clamp(y+t)][x]` and `out = floor((T + (d-1)/2) / d)` with `d = (2r+1)²`,
//! i.e. the exact mean rounded to nearest (d is odd: no ties). Each pixel costs O(1) whatever
//! the radius: sliding windows add the entering value and subtract the leaving one. The
//! division is `trunc((T + d/2)·(1/d))` in f32 (r ≤ 48) or f64, exact for these ranges (see
//! [`Divide`]).

use super::{band_rows, TARGET_CHUNKS};
use crate::abi::Job;
use crate::simd::lanes::{F64x2, I16x8, I32x4, U8x16};

/// Largest radius (the runtime validates it): bounds the stack weight tables and keeps every
/// sum inside 32 bits.
pub(crate) const MAX_RADIUS: usize = 255;
/// The Gaussian weights sum to `2^WEIGHT_BITS`.
const WEIGHT_BITS: u32 = 14;
const ONE: i32 = 1 << WEIGHT_BITS;
/// Fractional bits of the Gaussian intermediate.
const FRAC_BITS: u32 = 7;
/// Shift of the horizontal pass (to the intermediate) and of the vertical pass (to u8).
const H_SHIFT: u32 = WEIGHT_BITS - FRAC_BITS;
const V_SHIFT: u32 = WEIGHT_BITS + FRAC_BITS;
/// Columns (pixels) of a vertical-pass strip: 64 RGBA pixels are 512 bytes of the Gaussian
/// intermediate per row, so the 2r+1 rows a strip's output rows re-read stay in L1/L2.
const STRIP: usize = 64;
/// Bytes past the end of the intermediate that vector loads may touch: the odd last pixel of a
/// row is read as a pair.
const SLACK: usize = 16;
/// Tap pairs of the largest kernel (`2r+1` taps, padded with a zero weight to `2r+2`).
const MAX_PAIRS: usize = MAX_RADIUS + 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Gaussian,
    Box,
}

/// One blur call, read from the job.
pub(crate) struct Blur {
    kind: Kind,
    src: *const u8,
    dst: *mut u8,
    w: usize,
    h: usize,
    r: usize,
    sigma: f64,
    scratch: *mut u8,
}

/// `exp(-t)` for `t` in `[0, 64]` from `+ - * /` only (Taylor series of `exp(-t/128)`, then
/// squared 7 times), so that JavaScript evaluating the same operations gets the same bits —
/// which `Math.exp` and Rust's `exp` do not promise. Accurate to ~1e-13 relative.
pub(crate) fn exp_neg(t: f64) -> f64 {
    let u = t / 128.0;
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..=20 {
        term = term * -u / k as f64;
        sum += term;
    }
    for _ in 0..7 {
        sum *= sum;
    }
    sum
}

/// The half kernel `q[0..=r]` of the Gaussian blur: `q[0] + 2·Σ_{i≥1} q[i] = 2^14`.
///
/// `g[i] = exp(-i²/(2σ²))` (0 once the exponent passes 64), `e[i] = g[i]/Σ·2^14` with
/// `Σ = 1 + 2·(g[1] + … + g[r])` summed in that order; `q[i] = floor(e[i])`; the remaining
/// deficit `D = 2^14 - q[0] - 2Σq[i]` is handed out by largest remainder: if D is odd the
/// centre gets 1, then the D/2 pairs ±i with the largest `e[i] - q[i]` (ties: smaller i) get
/// 1 each. Every step is exact or plain f64 `+ - * /`, so the integers are reproducible.
pub(crate) fn gaussian_weights(r: usize, sigma: f64, q: &mut [i32; MAX_PAIRS]) {
    debug_assert!(r <= MAX_RADIUS);
    q.fill(0);
    if r == 0 {
        q[0] = ONE;
        return;
    }
    let mut g = [0.0f64; MAX_PAIRS];
    g[0] = 1.0;
    let two_s2 = 2.0 * sigma * sigma;
    let mut tail = 0.0;
    for (i, g) in g.iter_mut().enumerate().take(r + 1).skip(1) {
        let t = (i * i) as f64 / two_s2;
        *g = if t > 64.0 { 0.0 } else { exp_neg(t) };
        tail += *g;
    }
    let total = 1.0 + 2.0 * tail;
    let mut frac = [0.0f64; MAX_PAIRS];
    let mut used: i32 = 0;
    for i in 0..=r {
        let e = g[i] / total * ONE as f64;
        let f = e.floor();
        q[i] = f as i32;
        frac[i] = e - f;
        used += if i == 0 { q[i] } else { 2 * q[i] };
    }
    let mut deficit = (ONE - used).clamp(0, 2 * r as i32);
    if deficit % 2 == 1 {
        q[0] += 1;
        deficit -= 1;
    }
    let mut order = [0u16; MAX_PAIRS];
    for (i, o) in order.iter_mut().enumerate().take(r) {
        *o = (i + 1) as u16;
    }
    order[..r].sort_unstable_by(|&a, &b| {
        let (fa, fb) = (frac[a as usize], frac[b as usize]);
        fb.total_cmp(&fa).then(a.cmp(&b))
    });
    for &i in &order[..deficit as usize / 2] {
        q[i as usize] += 1;
    }
}

impl Blur {
    pub fn new(job: &Job, kind: Kind) -> Self {
        let r = job.dim[2] as usize;
        assert!(r <= MAX_RADIUS, "weft: blur radius {r} over {MAX_RADIUS}");
        Self {
            kind,
            src: job.ptr[0] as *const u8,
            dst: job.ptr[1] as *mut u8,
            w: job.dim[0] as usize,
            h: job.dim[1] as usize,
            r,
            sigma: job.scalar[0],
            scratch: job.scratch as *mut u8,
        }
    }

    fn empty(&self) -> bool {
        self.w == 0 || self.h == 0
    }

    /// Work units per pixel of one pass.
    fn pixel_work(&self) -> u64 {
        match self.kind {
            Kind::Gaussian => self.r as u64 + 1,
            Kind::Box => 4,
        }
    }

    /// Rows per phase-0 chunk.
    fn h_band(&self) -> usize {
        band_rows(self.h, self.w as u64 * self.pixel_work(), TARGET_CHUNKS)
    }

    /// Phase-1 grid: (strips, rows per band).
    fn v_grid(&self) -> (usize, usize) {
        let strips = self.w.div_ceil(STRIP);
        let target = TARGET_CHUNKS.div_ceil(strips.max(1));
        let mut rows = band_rows(self.h, self.w.min(STRIP) as u64 * self.pixel_work(), target);
        if self.kind == Kind::Box {
            // A band starts by summing 2r+1 rows: keep that under about half of its work.
            rows = rows.max(4 * self.r + 2).min(self.h.max(1));
        }
        (strips, rows)
    }

    pub fn n_chunks(&self, phase: u32) -> usize {
        if self.empty() {
            return 0;
        }
        match phase {
            0 => self.h.div_ceil(self.h_band()),
            1 => {
                let (strips, rows) = self.v_grid();
                strips * self.h.div_ceil(rows)
            }
            _ => panic!("weft: blur has 2 phases, not {}", phase + 1),
        }
    }

    /// Bytes of the intermediate image (+ slack), rounded to 8.
    fn inter_bytes(&self) -> u64 {
        let per_channel = match self.kind {
            Kind::Gaussian => 2,
            Kind::Box => 4,
        };
        (self.w as u64 * self.h as u64 * 4 * per_channel + SLACK as u64).next_multiple_of(8)
    }

    /// Bytes of the padded row (r + w + r + 2 pixels) at the start of a phase-0 chunk's region.
    fn pad_row_bytes(&self) -> u64 {
        ((self.w + 2 * self.r + 2) as u64 * 4).next_multiple_of(16)
    }

    /// Bytes of one phase-0 chunk's region (Gaussian): its padded row, then the row's
    /// channel-interleaved pixel pairs (w + 2r + 1 of them, 16 bytes each).
    fn pad_bytes(&self) -> u64 {
        self.pad_row_bytes() + (self.w + 2 * self.r + 1) as u64 * 16
    }

    pub fn scratch_bytes(&self) -> u64 {
        if self.empty() {
            return 0;
        }
        match self.kind {
            Kind::Gaussian => self.inter_bytes() + self.n_chunks(0) as u64 * self.pad_bytes(),
            Kind::Box => self.inter_bytes(),
        }
    }

    /// # Safety
    /// The job's contract ([`super::ImageKernel::GaussianBlur`]); the scratch is allocated;
    /// phase 1 runs after every phase-0 chunk.
    pub unsafe fn run_chunk(&self, phase: u32, chunk: usize) {
        // SAFETY (all arms): forwarded contract.
        unsafe {
            match (self.kind, phase) {
                (Kind::Gaussian, 0) => self.gaussian_rows(chunk),
                (Kind::Gaussian, _) => self.gaussian_columns(chunk),
                (Kind::Box, 0) => self.box_rows(chunk),
                (Kind::Box, _) => self.box_columns(chunk),
            }
        }
    }

    fn h_rows(&self, chunk: usize) -> core::ops::Range<usize> {
        let band = self.h_band();
        chunk * band..self.h.min((chunk + 1) * band)
    }

    /// (columns, rows) of phase-1 chunk `chunk`: band-major, strips within a band.
    fn v_tile(&self, chunk: usize) -> (core::ops::Range<usize>, core::ops::Range<usize>) {
        let (strips, rows) = self.v_grid();
        let (band, strip) = (chunk / strips, chunk % strips);
        (
            strip * STRIP..self.w.min((strip + 1) * STRIP),
            band * rows..self.h.min((band + 1) * rows),
        )
    }

    /// Tap pairs `(w[2p], w[2p+1])` of the full kernel `w[t] = q[|t - r|]`, `t` in `0..2r+1`,
    /// padded with a zero weight; returns the number of pairs, `r + 1`.
    fn gaussian_pairs(&self, pairs: &mut [I16x8; MAX_PAIRS]) -> usize {
        let mut q = [0i32; MAX_PAIRS];
        gaussian_weights(self.r, self.sigma, &mut q);
        let r = self.r;
        let w = |t: usize| {
            if t > 2 * r {
                0
            } else {
                q[t.abs_diff(r)] as i16
            }
        };
        for (p, pair) in pairs.iter_mut().enumerate().take(r + 1) {
            *pair = I16x8::splat_pair(w(2 * p), w(2 * p + 1));
        }
        r + 1
    }

    fn gaussian_inter(&self) -> *mut i16 {
        self.scratch.cast()
    }

    /// Phase 0 of the Gaussian: rows of the chunk into the intermediate.
    ///
    /// Each row is first copied with r replicated pixels each side (`pad`), then expanded into
    /// `interleaved[t]` = pixels t and t+1 of `pad` as `[r0 r1 g0 g1 b0 b1 a0 a1]` (i16): the
    /// operand layout of `dot` against a pair of taps. The O(w·r) loop is then one load, one
    /// `dot` and one add per pixel and tap pair, with no shuffle.
    unsafe fn gaussian_rows(&self, chunk: usize) {
        let mut pairs = [I16x8::splat_pair(0, 0); MAX_PAIRS];
        let n_pairs = self.gaussian_pairs(&mut pairs);
        let pairs = &pairs[..n_pairs];
        let (w, r) = (self.w, self.r);
        // SAFETY: the pad rows follow the intermediate; this chunk owns pad row `chunk`.
        let pad = unsafe {
            self.scratch
                .add((self.inter_bytes() + chunk as u64 * self.pad_bytes()) as usize)
        };
        // SAFETY: the interleaved pairs follow the padded row inside the chunk's region.
        let interleaved = unsafe { pad.add(self.pad_row_bytes() as usize).cast::<i16>() };
        for y in self.h_rows(chunk) {
            // SAFETY: row y of the input is w·4 bytes; the pad row holds w + 2r + 2 pixels.
            unsafe {
                let src = self.src.add(y * w * 4);
                let first = src.cast::<u32>().read_unaligned();
                let last = src.add((w - 1) * 4).cast::<u32>().read_unaligned();
                let pad32 = pad.cast::<u32>();
                for i in 0..r {
                    pad32.add(i).write_unaligned(first);
                }
                core::ptr::copy_nonoverlapping(src, pad.add(r * 4), w * 4);
                for i in r + w..w + 2 * r + 2 {
                    pad32.add(i).write_unaligned(last);
                }
                for t in 0..w + 2 * r + 1 {
                    let v = I16x8::load_u8x8(pad.add(t * 4));
                    I16x8::shuffle::<0, 4, 1, 5, 2, 6, 3, 7>(v, v).store(interleaved.add(t * 8));
                }
                let out = self.gaussian_inter().add(y * w * 4);
                let mut x = 0;
                while x + 8 <= w {
                    h_group::<8>(interleaved, x, pairs, out, 8);
                    x += 8;
                }
                while x < w {
                    h_group::<2>(interleaved, x, pairs, out, (w - x).min(2));
                    x += 2;
                }
            }
        }
    }

    /// Phase 1 of the Gaussian: one strip × band of the output from the intermediate.
    unsafe fn gaussian_columns(&self, chunk: usize) {
        let mut pairs = [I16x8::splat_pair(0, 0); MAX_PAIRS];
        let n_pairs = self.gaussian_pairs(&mut pairs);
        let pairs = &pairs[..n_pairs];
        let (w, h, r) = (self.w, self.h, self.r);
        let (cols, rows) = self.v_tile(chunk);
        let inter = self.gaussian_inter();
        // Element offsets of the rows under each tap (clamped), per output row.
        let mut rows_at = [0usize; 2 * MAX_PAIRS];
        for y in rows {
            for (t, at) in rows_at.iter_mut().enumerate().take(2 * r + 1) {
                *at = (y + t).saturating_sub(r).min(h - 1) * w * 4;
            }
            // The zero-weight pad tap.
            rows_at[2 * r + 1] = rows_at[2 * r];
            // SAFETY: tiles are disjoint output regions; loads stay in the intermediate + slack.
            unsafe {
                let out = self.dst.add(y * w * 4);
                let mut x = cols.start;
                while x + 8 <= cols.end {
                    v_group::<4>(inter, &rows_at, x, pairs, out, 8);
                    x += 8;
                }
                while x < cols.end {
                    v_group::<1>(inter, &rows_at, x, pairs, out, (cols.end - x).min(2));
                    x += 2;
                }
            }
        }
    }

    fn box_inter(&self) -> *mut i32 {
        self.scratch.cast()
    }

    /// Phase 0 of the box blur: running sums along each row of the chunk.
    unsafe fn box_rows(&self, chunk: usize) {
        let (w, r) = (self.w, self.r);
        for y in self.h_rows(chunk) {
            // SAFETY: indices are clamped into the row; the intermediate row is w·4 i32s.
            unsafe {
                let src = self.src.add(y * w * 4);
                let px = |i: usize| I32x4::load_u8x4(src.add(i.min(w - 1) * 4));
                let mut s = px(0).mul(I32x4::splat(r as i32 + 1));
                for i in 1..=r {
                    s = s.add(px(i));
                }
                let out = self.box_inter().add(y * w * 4);
                for x in 0..w {
                    s.store(out.add(x * 4));
                    // enter - leave first: the running sum's dependency chain is one add.
                    s = s.add(px(x + r + 1).sub(px(x.saturating_sub(r))));
                }
            }
        }
    }

    /// Phase 1 of the box blur: running column sums down one strip × band.
    unsafe fn box_columns(&self, chunk: usize) {
        let (w, h, r) = (self.w, self.h, self.r);
        let (cols, rows) = self.v_tile(chunk);
        let n = cols.len();
        let inter = self.box_inter();
        // SAFETY (closure): row index clamped, columns inside the strip.
        let row = |y: usize| unsafe { inter.add((y.min(h - 1) * w + cols.start) * 4) };
        let mut acc = [I32x4::splat(0); STRIP];
        for t in 0..2 * r + 1 {
            let src = row((rows.start + t).saturating_sub(r));
            for (j, a) in acc.iter_mut().enumerate().take(n) {
                // SAFETY: column j < n of a row of the intermediate.
                *a = a.add(unsafe { I32x4::load(src.add(j * 4)) });
            }
        }
        let d = (2 * r + 1) * (2 * r + 1);
        let div = Divide::new(d);
        for y in rows.clone() {
            // SAFETY: the output row's strip belongs to this chunk.
            let out = unsafe { self.dst.add((y * w + cols.start) * 4) };
            let next = y + 1 < rows.end;
            let (enter, leave) = (row(y + r + 1), row(y.saturating_sub(r)));
            let mut j = 0;
            while j < n {
                let k = (n - j).min(4);
                let q = |i: usize| div.round(acc[j + i.min(k - 1)]);
                let lo = I32x4::narrow_i16(q(0), q(1));
                let hi = I32x4::narrow_i16(q(2), q(3));
                let bytes = I16x8::narrow_u8(lo, hi);
                // SAFETY: the k ≤ 4 pixels at j are in the strip; loads are columns j..j+k of
                // two rows of the intermediate.
                unsafe {
                    if k == 4 {
                        bytes.store(out.add(j * 4));
                    } else {
                        let a = bytes.to_array();
                        core::ptr::copy_nonoverlapping(a.as_ptr(), out.add(j * 4), k * 4);
                    }
                    if next {
                        for (i, a) in acc[j..j + k].iter_mut().enumerate() {
                            let delta = I32x4::load(enter.add((j + i) * 4))
                                .sub(I32x4::load(leave.add((j + i) * 4)));
                            *a = a.add(delta);
                        }
                    }
                }
                j += 4;
            }
        }
    }
}

/// Largest radius whose box-blur division runs in f32 (see [`Divide`]).
const F32_DIVIDE_MAX_RADIUS: usize = 48;

/// `floor((T + (d-1)/2) / d)` per lane (T ≤ 255·d, d = (2r+1)² odd), computed as
/// `trunc((T + d/2)·fl(1/d))` in floating point. With `T + (d-1)/2 = q·d + ρ` the exact value
/// is `q + (ρ + 1/2)/d`, at least `1/(2d)` from an integer, so the truncation is exactly `q`
/// when the roundings move the value (< 256) by less than that:
/// - f32 for r ≤ 48: `T + d/2 < 2^22` is exact, the two roundings move it by < 256·2^-23 =
///   3.1e-5, and `1/(2d) ≥ 1/(2·97²) = 5.3e-5`;
/// - f64 above: < 256·2^-52 against `1/(2·511²) ≥ 1.9e-6`.
enum Divide {
    F32 { half: f32, inv: f32 },
    F64 { half: F64x2, inv: F64x2 },
}

impl Divide {
    fn new(d: usize) -> Self {
        if d <= (2 * F32_DIVIDE_MAX_RADIUS + 1).pow(2) {
            Self::F32 {
                half: d as f32 * 0.5,
                inv: 1.0 / d as f32,
            }
        } else {
            let d = d as f64;
            Self::F64 {
                half: F64x2::splat(d * 0.5),
                inv: F64x2::splat(1.0 / d),
            }
        }
    }

    #[inline(always)]
    fn round(&self, t: I32x4) -> I32x4 {
        match *self {
            Self::F32 { half, inv } => t.affine_trunc_f32(half, inv),
            Self::F64 { half, inv } => {
                let lo = t.low_f64().add(half).mul(inv);
                let hi = t.high_f64().add(half).mul(inv);
                I32x4::trunc_f64(lo, hi)
            }
        }
    }
}

/// Horizontal Gaussian of pixels `x..x+G` of one row from its interleaved pixel pairs
/// (`interleaved[t]`: padded pixels t and t+1, padded pixel t being pixel `t - r` clamped),
/// storing the first `store` (≤ G) pixels of the intermediate. G is even.
///
/// # Safety
/// `interleaved` holds entries up to `x + G - 1 + 2·(pairs.len() - 1)`; `out` row has `store`
/// pixels at `x`.
#[inline(always)]
unsafe fn h_group<const G: usize>(
    interleaved: *const i16,
    x: usize,
    pairs: &[I16x8],
    out: *mut i16,
    store: usize,
) {
    let mut acc = [I32x4::splat(0); G];
    for (p, &wp) in pairs.iter().enumerate() {
        // SAFETY: entries x + 2p + g are inside the row's pairs (contract).
        let at = unsafe { interleaved.add((x + 2 * p) * 8) };
        for (g, a) in acc.iter_mut().enumerate() {
            let v = unsafe { I16x8::load(at.add(g * 8)) };
            *a = a.add(v.dot(wp));
        }
    }
    let round = |a: I32x4| a.add(I32x4::splat(1 << (H_SHIFT - 1))).shr(H_SHIFT);
    for g in (0..G).step_by(2) {
        let v = I32x4::narrow_i16(round(acc[g]), round(acc[g + 1]));
        // SAFETY: at most `store` pixels (4 i16 each) are written at x (contract).
        unsafe {
            let dst = out.add((x + g) * 4);
            if g + 2 <= store {
                v.store(dst);
            } else if g < store {
                let a = v.to_array();
                core::ptr::copy_nonoverlapping(a.as_ptr(), dst, 4);
            }
        }
    }
}

/// Vertical Gaussian of pixels `x..x+2P` of one output row: rows `rows_at[t]` (element offsets
/// into the intermediate, clamped) weighted by tap pairs; stores the first `store` (≤ 2P)
/// pixels as u8.
///
/// # Safety
/// Each `rows_at[t] + (x + 2P)·4` i16s are readable (within the intermediate + slack); `out`
/// has `store` pixels at `x`.
#[inline(always)]
unsafe fn v_group<const P: usize>(
    inter: *const i16,
    rows_at: &[usize],
    x: usize,
    pairs: &[I16x8],
    out: *mut u8,
    store: usize,
) {
    let mut acc = [[I32x4::splat(0); 2]; P];
    for (p, &wp) in pairs.iter().enumerate() {
        // SAFETY: contract.
        let (ra, rb) = unsafe {
            (
                inter.add(rows_at[2 * p] + x * 4),
                inter.add(rows_at[2 * p + 1] + x * 4),
            )
        };
        for (q, a) in acc.iter_mut().enumerate() {
            // SAFETY: contract.
            let (va, vb) = unsafe { (I16x8::load(ra.add(q * 8)), I16x8::load(rb.add(q * 8))) };
            // Interleave the two rows channel by channel: pixel 0, then pixel 1.
            let lo = I16x8::shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(va, vb);
            let hi = I16x8::shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(va, vb);
            a[0] = a[0].add(lo.dot(wp));
            a[1] = a[1].add(hi.dot(wp));
        }
    }
    let round = |a: I32x4| a.add(I32x4::splat(1 << (V_SHIFT - 1))).shr(V_SHIFT);
    let halves: [I16x8; P] =
        core::array::from_fn(|q| I32x4::narrow_i16(round(acc[q][0]), round(acc[q][1])));
    let mut q = 0;
    while q < P {
        // SAFETY: only the first `store` pixels are written (contract).
        unsafe {
            let dst = out.add((x + 2 * q) * 4);
            if q + 1 < P {
                let bytes = I16x8::narrow_u8(halves[q], halves[q + 1]);
                if 2 * q + 4 <= store {
                    bytes.store(dst);
                } else {
                    store_pixels(bytes, dst, store - 2 * q);
                }
                q += 2;
            } else {
                let bytes = I16x8::narrow_u8(halves[q], halves[q]);
                store_pixels(bytes, dst, store.saturating_sub(2 * q).min(2));
                q += 1;
            }
        }
    }
}

/// Stores the first `n` (≤ 4) pixels of `bytes`.
///
/// # Safety
/// `dst` is valid for `4n` bytes.
#[inline(always)]
unsafe fn store_pixels(bytes: U8x16, dst: *mut u8, n: usize) {
    // SAFETY: caller contract.
    unsafe {
        match n {
            0 => {}
            1 => bytes.store4(dst),
            2 => bytes.store8(dst),
            _ => {
                let a = bytes.to_array();
                core::ptr::copy_nonoverlapping(a.as_ptr(), dst, 4 * n.min(4));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weights(r: usize, sigma: f64) -> Vec<i32> {
        let mut q = [0; MAX_PAIRS];
        gaussian_weights(r, sigma, &mut q);
        q[..=r].to_vec()
    }

    #[test]
    fn box_division_is_exact_for_every_sum() {
        // Every radius on the f32 side and a few on the f64 side, every possible window sum.
        for r in (0..=F32_DIVIDE_MAX_RADIUS).chain([49, 100, 255]) {
            let d = (2 * r + 1) * (2 * r + 1);
            let div = Divide::new(d);
            assert_eq!(
                matches!(div, Divide::F32 { .. }),
                r <= F32_DIVIDE_MAX_RADIUS
            );
            let mut t = 0;
            while t <= 255 * d {
                let v = I32x4::from_array(core::array::from_fn(|i| (t + i).min(255 * d) as i32));
                let got = div.round(v).to_array();
                for (i, &q) in got.iter().enumerate() {
                    let t = (t + i).min(255 * d);
                    assert_eq!(q as usize, (t + (d - 1) / 2) / d, "r={r} T={t}");
                }
                t += 4;
            }
        }
    }

    #[test]
    fn exp_neg_is_accurate() {
        for t in [0.0, 1e-3, 0.5, 1.0, 2.0, 10.0, 30.0, 64.0] {
            let (a, b) = (exp_neg(t), (-t).exp());
            assert!(((a - b) / b).abs() < 1e-12, "exp(-{t}): {a} vs {b}");
        }
    }

    #[test]
    fn weights_sum_to_one_and_fall_off() {
        for r in [1, 2, 3, 7, 20, 100, 255] {
            for sigma in [0.1, 0.5, r as f64 / 2.0, r as f64, 1e6] {
                let q = weights(r, sigma);
                let sum: i32 = q[0] + 2 * q[1..].iter().sum::<i32>();
                assert_eq!(sum, ONE, "r={r} sigma={sigma}");
                // Non-increasing away from the centre (the centre may trail its neighbours by
                // one unit: it only takes the odd unit of the deficit).
                assert!(
                    q[1..].windows(2).all(|p| p[0] >= p[1]),
                    "r={r} sigma={sigma}: {q:?}"
                );
                assert!(q[0] + 1 >= q[1], "r={r} sigma={sigma}: {q:?}");
                assert!(q.iter().all(|&v| (0..=ONE).contains(&v)));
            }
        }
        assert_eq!(weights(0, 1.0), vec![ONE]);
        assert_eq!(weights(3, 1e-3), vec![ONE, 0, 0, 0]);
    }
}
