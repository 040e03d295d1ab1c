//! The register-blocked micro-kernel: one MR×NR block of C from an MR-row panel of packed A and
//! an NR-column panel of packed B, accumulated entirely in SIMD registers.
//!
//! Per depth step it loads NR/4 vectors of B, broadcasts each of the MR values of A
//! (`v128.load32_splat`) and does MR·NR/4 multiply-adds into MR·NR/4 accumulators.
//!
//! Shape choice, MR×NR = 2×16. Measured single-threaded in Node 20 (V8 11.3) on x86-64 (AMD
//! EPYC), 512³, best of interleaved runs, GFLOP/s simd128 / relaxed:
//!
//! | MR×NR   | 2×16 | 4×8  | 2×8 | 3×16 | 4×16 | 8×8 | 6×8 | 5×8 | 1×32 |
//! |---------|------|------|-----|------|------|-----|-----|-----|------|
//! | simd128 | 38.5 | 36.5 | 32  | 31   | 30   | 26  | 25  | 20  | 18   |
//! | relaxed | 47   | 46   |     | 30   |      |     | 24  |     |      |
//!
//! Re-measured in Chromium 156 (V8 14), the micro-kernel loop alone over L1-resident packed
//! panels (kc = 256, best of 5), GFLOP/s relaxed / simd128; "load" broadcasts A with
//! `v128.load32_splat`, "shuffle" loads four depth steps of A per row and broadcasts lanes with
//! `i32x4.shuffle` (XNNPACK's "splat" variant):
//!
//! | MR×NR           | 2×16 | 4×8  | 3×12 | 1×32 | 3×8  | 4×16 | 4×12 | 3×16 | 6×8  | 5×8  |
//! |-----------------|------|------|------|------|------|------|------|------|------|------|
//! | load, relaxed   | 53.3 | 53.3 | 54.1 | 47.6 | 44.0 | 30.8 | 27.2 | 25.2 | 24.7 | 22.7 |
//! | load, simd128   | 46.0 | 46.5 | 29.2 | 37.4 | 42.1 | 29.2 | 26.3 | 29.0 | 26.7 | 22.2 |
//! | shuffle, relaxed| 34.8 | 35.1 | 42.1 |      |      |      |      | 42.1 | 37.7 |      |
//! | shuffle, simd128| 32.3 | 32.8 | 34.5 |      |      |      |      | 33.9 | 34.5 |      |
//!
//! 2×16 and 4×8 stay the best in both builds (3×12 only in the relaxed one); the broadcast load
//! wins over the shuffle, most likely because on x86-64 `load32_splat` is one `vbroadcastss` from
//! memory (a load, and load ports have room to spare here) while each shuffled broadcast is an
//! extra instruction on the shuffle port.
//!
//! V8 on x86-64 allocates 15 of the 16 XMM registers (one is its scratch), and unfused
//! multiply-add needs a product temporary. 2×16 uses 8 accumulators + 4 B vectors + 1 broadcast
//! A + 1 temporary = 14 and 4×8 uses 12: neither spills, and 2×16 is consistently a few percent
//! ahead: in V8's machine code the four B loads share one base register with immediate offsets,
//! while each broadcast row of A gets a hoisted base register of its own (4×8 needs four).
//! Every shape with 12+ accumulators spills in V8's register allocator and loses 20–50 %, even in
//! the relaxed build where a fused multiply-add needs no temporary. Unrolling the depth loop by
//! hand (2, 4, 8) was also slower: V8 already unrolls it. On 32-register hosts (arm64) a larger
//! block could win; MR and NR are the only things to change.

use crate::simd::F32x4;

/// Rows of C per micro-kernel call (A panel width).
pub(crate) const MR: usize = 2;
/// Columns of C per micro-kernel call (B panel width); a multiple of 4 lanes.
pub(crate) const NR: usize = 16;
const NV: usize = NR / F32x4::LANES;
const _: () = assert!(NR.is_multiple_of(F32x4::LANES));

/// How the micro-kernel's product combines with C.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Update {
    /// `C = alpha·AB`: C is never read (BLAS beta == 0: C may hold NaN garbage).
    Overwrite,
    /// `C = alpha·AB + beta·C`.
    Accumulate(f32),
}

/// `C[..rows, ..cols] = alpha · (A_panel · B_panel) (+ beta · C)` for one MR×NR block.
///
/// `a` holds `kc` steps of MR values (`a[p*MR + r] = op(A)[r, p]`), `b` holds `kc` steps of NR
/// values; both zero-padded by packing, so the kernel always computes the full MR×NR block and
/// only the `rows × cols` valid part is written back.
///
/// # Safety
/// `c` must be valid for reads and writes of `rows` rows of `cols` elements with row stride `ldc`,
/// and no other thread may access those elements meanwhile.
#[inline(always)]
#[allow(clippy::too_many_arguments)] // the BLIS micro-kernel signature; bundling would only hide it
pub(crate) unsafe fn run(
    kc: usize,
    a: &[f32],
    b: &[f32],
    c: *mut f32,
    ldc: usize,
    rows: usize,
    cols: usize,
    alpha: f32,
    update: Update,
) {
    debug_assert!(rows > 0 && rows <= MR && cols > 0 && cols <= NR);
    let a = &a.as_chunks::<MR>().0[..kc];
    let b = &b.as_chunks::<NR>().0[..kc];
    let mut acc = [[F32x4::zero(); NV]; MR];
    for (a, b) in a.iter().zip(b) {
        // SAFETY: `b` is an NR-array and j*4 + 4 <= NR.
        let b: [F32x4; NV] =
            core::array::from_fn(|j| unsafe { F32x4::load(b.as_ptr().add(j * F32x4::LANES)) });
        for (&a, acc) in a.iter().zip(&mut acc) {
            let a = F32x4::splat(a);
            for (b, acc) in b.iter().zip(acc) {
                *acc = a.mul_add(*b, *acc);
            }
        }
    }

    let alpha = F32x4::splat(alpha);
    for (r, acc) in acc.iter().enumerate().take(rows) {
        for (j, ab) in acc.iter().enumerate().take(cols.div_ceil(F32x4::LANES)) {
            let lanes = (cols - j * F32x4::LANES).min(F32x4::LANES);
            // SAFETY: row r < rows, columns j*4 .. j*4+lanes <= cols: inside the caller's block.
            unsafe {
                let p = c.add(r * ldc + j * F32x4::LANES);
                let ab = ab.mul(alpha);
                let v = match update {
                    Update::Overwrite => ab,
                    Update::Accumulate(beta) if lanes == F32x4::LANES => {
                        F32x4::load(p).mul_add(F32x4::splat(beta), ab)
                    }
                    Update::Accumulate(beta) => {
                        F32x4::load_partial(p, lanes, 0.0).mul_add(F32x4::splat(beta), ab)
                    }
                };
                if lanes == F32x4::LANES {
                    v.store(p)
                } else {
                    v.store_partial(p, lanes)
                }
            }
        }
    }
}
