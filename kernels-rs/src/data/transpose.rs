//! Transpose of a row-major `rows × cols` matrix of 32-bit elements into `cols × rows`.
//!
//! Chunks are tiles of the input (about [`TILE`] elements, a function of the shape only); a
//! tile is walked in [`BLOCK`]×[`BLOCK`] blocks (4 KiB read + 4 KiB written, L1-resident), each
//! as 4×4 blocks transposed in registers (four row loads, eight shuffles, four column stores).
//! Rows and columns past the last multiple of 4 are copied one element at a time. A transpose
//! moves bits, so the result does not depend on anything but the input.
//!
//! Job: `ptr = [x, out]` (no overlap), `dim = [rows, cols]`.

use crate::simd::F32x4;

/// Elements per tile (chunk): 256 KiB read and 256 KiB written.
const TILE: usize = 1 << 16;
/// Side of the cache block walked inside a tile.
const BLOCK: usize = 32;

#[derive(Clone, Copy)]
pub(crate) struct Transpose {
    rows: usize,
    cols: usize,
    x: *const f32,
    out: *mut f32,
    /// Tile height and width.
    tr: usize,
    tc: usize,
}

impl Transpose {
    pub fn new(job: &crate::abi::Job) -> Self {
        let (rows, cols) = (job.dim[0] as usize, job.dim[1] as usize);
        let (mut tr, mut tc) = (rows.min(256), cols.min(256));
        // Grow the smaller side (a thin matrix gets long tiles) until a tile holds TILE elements.
        while tr * tc < TILE && (tr < rows || tc < cols) {
            if tr < rows && (tr <= tc || tc == cols) {
                tr = (2 * tr).min(rows);
            } else {
                tc = (2 * tc).min(cols);
            }
        }
        Self {
            rows,
            cols,
            x: job.ptr[0] as *const f32,
            out: job.ptr[1] as *mut f32,
            tr,
            tc,
        }
    }

    fn tiles_c(&self) -> usize {
        self.cols.div_ceil(self.tc)
    }

    pub fn chunks(&self) -> u32 {
        if self.rows == 0 || self.cols == 0 {
            return 0;
        }
        (self.rows.div_ceil(self.tr) * self.tiles_c()) as u32
    }

    /// # Safety
    /// x readable (rows·cols), out writable (rows·cols), no overlap; each chunk once.
    pub unsafe fn chunk(&self, c: usize) {
        let (r0, c0) = (c / self.tiles_c() * self.tr, c % self.tiles_c() * self.tc);
        let (r1, c1) = (self.rows.min(r0 + self.tr), self.cols.min(c0 + self.tc));
        for br in (r0..r1).step_by(BLOCK) {
            for bc in (c0..c1).step_by(BLOCK) {
                // SAFETY: the block lies inside this chunk's tile.
                unsafe { self.block(br, r1.min(br + BLOCK), bc, c1.min(bc + BLOCK)) };
            }
        }
    }

    /// `out[j][i] = x[i][j]` for rows `r0..r1`, columns `c0..c1`.
    unsafe fn block(&self, r0: usize, r1: usize, c0: usize, c1: usize) {
        let (x, out, rows, cols) = (self.x, self.out, self.rows, self.cols);
        let r4 = r0 + (r1 - r0) / 4 * 4;
        let c4 = c0 + (c1 - c0) / 4 * 4;
        // SAFETY (all): indices stay inside rows × cols (block inside the matrix).
        unsafe {
            for i in (r0..r4).step_by(4) {
                for j in (c0..c4).step_by(4) {
                    let r = [0, 1, 2, 3].map(|k| F32x4::load(x.add((i + k) * cols + j)));
                    let t = F32x4::transpose4(r);
                    for (k, v) in t.into_iter().enumerate() {
                        v.store(out.add((j + k) * rows + i));
                    }
                }
                for j in c4..c1 {
                    for k in 0..4 {
                        *out.add(j * rows + i + k) = *x.add((i + k) * cols + j);
                    }
                }
            }
            for i in r4..r1 {
                for j in c0..c1 {
                    *out.add(j * rows + i) = *x.add(i * cols + j);
                }
            }
        }
    }
}
