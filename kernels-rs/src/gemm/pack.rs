//! Packing: copies a block of op(A) or op(B) into the layout the micro-kernel streams.
//!
//! Both operands pack the same way once described by strides: a `len × depth` block (len = rows
//! of op(A) or columns of op(B), depth = the shared K dimension) becomes `ceil(len / W)` panels
//! of `W` lanes; inside a panel, depth step `p` holds the `W` lane values contiguously. The last
//! panel is zero-padded to `W` lanes, so the micro-kernel always runs full-size and the padded
//! lanes only produce results that are never written back.

/// Packs `len × depth` elements, element `(i, p)` at `src + i*stride_len + p*stride_depth`,
/// into `dst[(q*depth + p)*W + w] = element(q*W + w, p)` (zero for `q*W + w >= len`).
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
        // SAFETY: row q*W < len of the block, readable by contract.
        let src = unsafe { src.add(q * W * stride_len) };
        if valid == W && stride_len == 1 {
            // Contiguous lanes (A transposed, B not): a straight copy per depth step.
            for (p, lanes) in panel.iter_mut().enumerate() {
                // SAFETY: elements (q*W .. q*W+W, p) are in the block and contiguous.
                lanes.copy_from_slice(unsafe {
                    core::slice::from_raw_parts(src.add(p * stride_depth), W)
                });
            }
        } else {
            for (p, lanes) in panel.iter_mut().enumerate() {
                for (w, lane) in lanes.iter_mut().enumerate() {
                    // SAFETY: w < valid keeps (q*W + w, p) inside the block.
                    *lane = if w < valid {
                        unsafe { *src.add(w * stride_len + p * stride_depth) }
                    } else {
                        0.0
                    };
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::pack;

    /// Packs a 7×3 row-major matrix (and its transposed storage) into 4-lane panels.
    #[test]
    fn packs_both_orientations_with_zero_padding() {
        let (len, depth) = (7, 3);
        let m: Vec<f32> = (0..len * depth).map(|v| v as f32 + 1.0).collect(); // (i, p) at i*depth + p
        let t: Vec<f32> = (0..len * depth)
            .map(|v| ((v % len) * depth + v / len) as f32 + 1.0)
            .collect(); // at p*len + i
        let expect: Vec<f32> = (0..2 * depth * 4)
            .map(|idx| {
                let (q, p, w) = (idx / (depth * 4), idx / 4 % depth, idx % 4);
                let i = q * 4 + w;
                if i < len {
                    (i * depth + p) as f32 + 1.0
                } else {
                    0.0
                }
            })
            .collect();
        for (src, sl, sd) in [(&m, depth, 1), (&t, 1, len)] {
            let mut dst = vec![f32::NAN; 2 * depth * 4 + 5];
            // SAFETY: src holds the whole len×depth block under both stride pairs.
            unsafe { pack::<4>(src.as_ptr(), sl, sd, len, depth, &mut dst) };
            assert_eq!(&dst[..expect.len()], &expect[..]);
            assert!(
                dst[expect.len()..].iter().all(|x| x.is_nan()),
                "wrote past the panels"
            );
        }
    }
}
