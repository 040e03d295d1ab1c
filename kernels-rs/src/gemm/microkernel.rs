//! The register-blocked micro-kernel: one MR×NR block of C from an MR-row panel of packed A and
//! an NR-column panel of packed B, accumulated entirely in SIMD registers.
//!
//! Per depth step it loads NR/4 vectors of B, broadcasts each of the MR values of A
//! (`v128.load32_splat`) and does MR·NR/4 multiply-adds into MR·NR/4 accumulators.
//!
//! Shape choice, MR×NR = 4×8 (measured single-threaded in Node 20 / V8 on x86-64, simd128 build,
//! see the crate's report): V8 has 16 XMM registers on x86-64 and keeps one for scratch. 4×8 needs
//! 8 accumulators + 2 B vectors + 1 broadcast A + 1 product temporary (an unfused multiply-add
//! needs it) = 12, so it never spills; 6×8 (12 + 2 + 1 + 1 = 16) and 4×16 (16 + 4 + ...) do,
//! and were slower. On 32-register machines (arm64) a larger block would win; the constants
//! below are the only thing to change.

use crate::simd::F32x4;

/// Rows of C per micro-kernel call (A panel width).
pub(crate) const MR: usize = 4;
/// Columns of C per micro-kernel call (B panel width); a multiple of 4 lanes.
pub(crate) const NR: usize = 8;
const NV: usize = NR / F32x4::LANES;
const _: () = assert!(NR % F32x4::LANES == 0);

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
        let b: [F32x4; NV] = core::array::from_fn(|j| unsafe { F32x4::load(b.as_ptr().add(j * F32x4::LANES)) });
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
                    Update::Accumulate(beta) if lanes == F32x4::LANES => F32x4::load(p).mul_add(F32x4::splat(beta), ab),
                    Update::Accumulate(beta) => F32x4::load_partial(p, lanes, 0.0).mul_add(F32x4::splat(beta), ab),
                };
                if lanes == F32x4::LANES { v.store(p) } else { v.store_partial(p, lanes) }
            }
        }
    }
}
