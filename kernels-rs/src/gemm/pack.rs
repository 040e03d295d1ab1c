//! Packing: copies a block of op(A) or op(B) into the layout the micro-kernel streams.
//!
//! Both operands pack the same way once described by strides: a `len × depth` block (len = rows
//! of op(A) or columns of op(B), depth = the shared K dimension) becomes `ceil(len / W)` panels
//! of `W` lanes; inside a panel, depth step `p` holds the `W` lane values contiguously. The last
//! panel is zero-padded to `W` lanes, so the micro-kernel always runs full-size and the padded
//! lanes only produce results that are never written back.

use crate::simd::F32x4;

/// Packs `len × depth` elements, element `(i, p)` at `src + i*stride_len + p*stride_depth`,
/// into `dst[(q*depth + p)*W + w] = element(q*W + w, p)` (zero for `q*W + w >= len`).
///
/// Packing is a few percent of a large product's memory traffic but runs once per tile, so it
/// is vectorised for the two layouts row-major operands give: lanes contiguous (B, or A
/// transposed: a straight copy per depth step) and depth contiguous (A, or B transposed: 4×4
/// transposes of four depth steps at a time). Only the zero-padded edge panel and other strides
/// take the element-by-element path. Done scalar, packing cost 10–15 % of a 1024³ product.
///
/// # Safety
/// Every element `(i, p)` with `i < len`, `p < depth` must be readable through `src`, and no
/// thread may write to them meanwhile. `dst` must hold at least `len.div_ceil(W) * depth * W`.
pub(crate) unsafe fn pack<const W: usize>(
    src: *const f32,
    stride_len: usize,
    stride_depth: usize,
    len: usize,
    depth: usize,
    dst: &mut [f32],
) {
    debug_assert!(depth > 0);
    let panels = len.div_ceil(W);
    let dst = &mut dst.as_chunks_mut::<W>().0[..panels * depth];
    for (q, panel) in dst.chunks_exact_mut(depth).enumerate() {
        let valid = W.min(len - q * W);
        // SAFETY (all three calls): row q*W < len of the block, readable by contract; the panel
        // covers `valid` rows of the block, and the fast paths run only on full panels.
        unsafe {
            let src = src.add(q * W * stride_len);
            if valid == W && stride_len == 1 && W.is_multiple_of(F32x4::LANES) {
                copy_lanes(src, stride_depth, panel);
            } else if valid == W && stride_depth == 1 && (W == 2 || W.is_multiple_of(F32x4::LANES))
            {
                let done = transpose_steps(src, stride_len, panel);
                gather(src, stride_len, stride_depth, W, done, &mut panel[done..]);
            } else {
                gather(src, stride_len, stride_depth, valid, 0, panel);
            }
        }
    }
}

/// Lanes contiguous: each depth step is W consecutive floats at `src + p*stride_depth`.
///
/// # Safety
/// W consecutive floats readable at `src + p*stride_depth` for every step `p` of the panel.
#[inline(always)]
unsafe fn copy_lanes<const W: usize>(src: *const f32, stride_depth: usize, panel: &mut [[f32; W]]) {
    for (p, lanes) in panel.iter_mut().enumerate() {
        for g in (0..W).step_by(F32x4::LANES) {
            // SAFETY: lanes g..g+4 < W of step p, readable by contract and inside `lanes`.
            unsafe { F32x4::load(src.add(p * stride_depth + g)).store(lanes.as_mut_ptr().add(g)) };
        }
    }
}

/// Depth contiguous (row `w` of the panel is `depth` consecutive floats at `src + w*stride_len`):
/// packs the steps in whole groups of four with register transposes and returns how many steps
/// it packed (the rest, fewer than four, are left to [`gather`]). W is 2 or a multiple of 4.
///
/// # Safety
/// Rows `0..W`, each `panel.len()` floats long, readable at `src + w*stride_len`.
#[inline(always)]
unsafe fn transpose_steps<const W: usize>(
    src: *const f32,
    stride_len: usize,
    panel: &mut [[f32; W]],
) -> usize {
    let steps = panel.len() / 4 * 4;
    for p in (0..steps).step_by(4) {
        // SAFETY: steps p..p+4 of rows < W are inside the block; panel[p..p+4] holds 4·W floats.
        unsafe {
            let row = |w: usize| F32x4::load(src.add(w * stride_len + p));
            let out = panel[p..].as_mut_ptr().cast::<f32>();
            if W == 2 {
                // [r0 r1] pairs for steps p, p+1 then p+2, p+3.
                let (r0, r1) = (row(0), row(1));
                r0.shuffle::<0, 4, 1, 5>(r1).store(out);
                r0.shuffle::<2, 6, 3, 7>(r1).store(out.add(4));
                continue;
            }
            for g in (0..W).step_by(4) {
                let columns = F32x4::transpose4([g, g + 1, g + 2, g + 3].map(row));
                for (d, v) in columns.into_iter().enumerate() {
                    v.store(out.add(d * W + g));
                }
            }
        }
    }
    steps
}

/// Element by element, for steps `first..` (panel[0] is step `first`): any strides, and the
/// zero padding of lanes `valid..W`.
///
/// # Safety
/// Elements `(w, p)` for `w < valid` and the panel's steps readable through the strides.
#[inline(always)]
unsafe fn gather<const W: usize>(
    src: *const f32,
    stride_len: usize,
    stride_depth: usize,
    valid: usize,
    first: usize,
    panel: &mut [[f32; W]],
) {
    for (p, lanes) in (first..).zip(panel.iter_mut()) {
        for (w, lane) in lanes.iter_mut().enumerate() {
            // SAFETY: w < valid keeps (w, p) inside the block.
            *lane = if w < valid {
                unsafe { *src.add(w * stride_len + p * stride_depth) }
            } else {
                0.0
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pack;

    /// Packs a `len × depth` matrix stored both ways (row-major: depth contiguous, and
    /// transposed: lanes contiguous) into W-lane panels and compares with the definition, for
    /// every path: copies, 4×4 and 2-lane transposes with leftover steps, the padded edge panel.
    fn check<const W: usize>(len: usize, depth: usize) {
        let value = |i: usize, p: usize| (i * depth + p) as f32 + 1.0;
        let rows: Vec<f32> = (0..len * depth)
            .map(|v| value(v / depth, v % depth))
            .collect();
        let cols: Vec<f32> = (0..len * depth).map(|v| value(v % len, v / len)).collect();
        let panels = len.div_ceil(W);
        let expect: Vec<f32> = (0..panels * depth * W)
            .map(|idx| {
                let (q, p, w) = (idx / (depth * W), idx / W % depth, idx % W);
                if q * W + w < len {
                    value(q * W + w, p)
                } else {
                    0.0
                }
            })
            .collect();
        for (src, sl, sd) in [(&rows, depth, 1), (&cols, 1, len)] {
            let mut dst = vec![f32::NAN; expect.len() + 5];
            // SAFETY: src holds the whole len×depth block under both stride pairs.
            unsafe { pack::<W>(src.as_ptr(), sl, sd, len, depth, &mut dst) };
            assert_eq!(
                &dst[..expect.len()],
                &expect[..],
                "W={W} {len}×{depth} strides ({sl}, {sd})"
            );
            assert!(
                dst[expect.len()..].iter().all(|x| x.is_nan()),
                "wrote past the panels"
            );
        }
    }

    #[test]
    fn packs_both_orientations_with_zero_padding() {
        for len in [1, 2, 3, 4, 7, 16, 17, 33] {
            for depth in [1, 2, 3, 4, 5, 8, 9, 13] {
                check::<2>(len, depth);
                check::<4>(len, depth);
                check::<16>(len, depth);
            }
        }
    }
}
