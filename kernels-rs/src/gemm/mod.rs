//! Single-precision GEMM, `C = alpha·op(A)·op(B) + beta·C`, row-major, in the BLIS structure.
//!
//! Parallel decomposition ([`Tiling`]): the chunks of a job are the tiles of a 2-D grid over C,
//! each computed across the full K by one thread, so no two chunks write the same element and
//! the floating-point evaluation order of an element depends only on K (not on the tile it
//! falls in) — results are bit-identical for any number of threads and any tiling.
//!
//! Inside a chunk, the classic five loops around the micro-kernel:
//!
//! ```text
//! for jc in tile columns, step NC          B block (KC×NC) stays in L2/L3
//!   for pc in 0..k, step ~KC               pack op(B)[pc, jc] into NR-column panels
//!     for ic in tile rows, step MC         pack op(A)[ic, pc] into MR-row panels (L2)
//!       for jr in panels of B              B micro-panel (KC×NR) stays in L1
//!         for ir in panels of A            micro-kernel: MR×NR block of C in registers
//! ```
//!
//! The tiles are as large as the call allows (fewer, larger tiles pack less per multiply-add):
//! one tile for a one-thread call, a few per thread for a parallel one, never more than
//! [`MAX_CHUNK_MACS`] of work. Tile size never changes a result.

mod batch;
mod microkernel;
mod pack;

pub(crate) use batch::Batched;

use core::cell::Cell;
use microkernel::{Update, MR, NR};

/// Depth of a K block. The micro-kernel streams a KC×MR panel of A (2 KiB) and a KC×NR panel of
/// B (16 KiB) per call; 256 keeps both in a 32 KiB L1 (128 measured slower, 512 no faster). K is
/// split into equal blocks of at most KC (257 → 129 + 128, not 256 + 1), so none is degenerate.
const KC: usize = 256;
/// Rows of a packed A block: MC×KC×4 bytes = 128 KiB, resident in L2 while the B panels stream.
const MC: usize = 128;
/// Columns of a packed B block: KC×NC×4 bytes = 256 KiB.
const NC: usize = 256;
const _: () = assert!(MC.is_multiple_of(MR) && NC.is_multiple_of(NR));

/// Chunks per thread a parallel call is cut into: slack for dynamic scheduling (threads of
/// uneven speed, helpers that join late), without shrinking tiles to where packing costs show.
/// The last tile one thread runs is the other's idle time: at 4 per thread a 1024³ product at
/// two threads had 6 ms tiles; at 8 its median was ahead in 6 of 7 page loads (in-page A/B,
/// both builds alternating, 20–24 calls each), by 3.7% on average, and at 512³ in 3 of 3 (4%).
const CHUNKS_PER_THREAD: usize = 8;
/// A chunk should hold at least this many multiply-adds, ~15 µs at the ~35 GFLOP/s one thread
/// reaches (about the grain of the 1-D kernels): below that, handing work to another thread costs
/// about what it saves. Problems below this run as ONE chunk, on the caller.
const MIN_CHUNK_MACS: u64 = 1 << 18;
/// At most this many multiply-adds per chunk (~6 ms at one thread): a chunk is the unit of abort
/// and the span between a worker's safe points (runtime/critical.ts), so it stays short.
const MAX_CHUNK_MACS: u64 = 1 << 27;

/// Tiles a call that may run on `threads` threads should be cut into at least.
pub(crate) fn chunks_wanted(threads: usize) -> usize {
    if threads <= 1 {
        1
    } else {
        CHUNKS_PER_THREAD * threads
    }
}

thread_local! {
    /// Packing buffer of this thread: one A block then one B block. Grown on first need up to
    /// (MC + NC)·KC floats (384 KiB), then reused by every chunk this thread runs.
    ///
    /// A chunk takes the buffer out and puts it back when done, rather than borrowing a RefCell:
    /// if a chunk traps (the runtime catches traps and keeps the thread), a RefCell would stay
    /// borrowed and fail every later sgemm on the thread, while a taken buffer is merely leaked
    /// and the next chunk allocates a new one.
    static PACK: Cell<Vec<f32>> = const { Cell::new(Vec::new()) };
}

/// One sgemm call, with the operands described by strides.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Sgemm {
    pub m: usize,
    pub n: usize,
    pub k: usize,
    /// `op(A)[i, p]` is at `a + i*a_strides.0 + p*a_strides.1`.
    pub a: *const f32,
    pub a_strides: (usize, usize),
    /// `op(B)[p, j]` is at `b + p*b_strides.0 + j*b_strides.1`.
    pub b: *const f32,
    pub b_strides: (usize, usize),
    /// `C[i, j]` is at `c + i*ldc + j`.
    pub c: *mut f32,
    pub ldc: usize,
    pub alpha: f32,
    pub beta: f32,
    /// C is cut into at least this many tiles where the work allows ([`chunks_wanted`]).
    pub min_tiles: usize,
}

/// The grid of chunks over C: tiles of `tm × tn` (edge tiles smaller), row-major order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tiling {
    pub tm: usize,
    pub tn: usize,
    pub tiles_m: usize,
    pub tiles_n: usize,
}

impl Tiling {
    /// Tiles for an `m×n` C with depth `k`, at least `min_tiles` of them where the work allows.
    ///
    /// Starts from one tile covering C and halves it while there are fewer than `min_tiles` or a
    /// tile holds more than [`MAX_CHUNK_MACS`], but never below [`MIN_CHUNK_MACS`] of work per
    /// tile. Which side: a tile packs A once per NC columns and B once per tile, so columns are
    /// cut down to NC first (free: A is packed per NC columns anyway), then the longer side
    /// (keeping tiles square-ish, which minimises packing per multiply-add).
    pub fn new(m: usize, n: usize, k: usize, min_tiles: usize) -> Self {
        if m == 0 || n == 0 {
            return Self {
                tm: 0,
                tn: 0,
                tiles_m: 0,
                tiles_n: 0,
            };
        }
        let halve = |t: usize, unit: usize| t.div_ceil(2).next_multiple_of(unit).min(t);
        let macs = |tm: usize, tn: usize| (tm as u64) * (tn as u64) * (k.max(1) as u64);
        let (mut tm, mut tn) = (m, n);
        while m.div_ceil(tm) * n.div_ceil(tn) < min_tiles || macs(tm, tn) > MAX_CHUNK_MACS {
            let prefer_m = tn <= NC && tm >= tn;
            let (hm, hn) = (halve(tm, MR), halve(tn, NR));
            let next = match (prefer_m, hm < tm, hn < tn) {
                (true, true, _) | (false, true, false) => (hm, tn),
                (false, _, true) | (true, false, true) => (tm, hn),
                _ => break,
            };
            if macs(next.0, next.1) < MIN_CHUNK_MACS {
                break;
            }
            (tm, tn) = next;
        }
        Self {
            tm,
            tn,
            tiles_m: m.div_ceil(tm),
            tiles_n: n.div_ceil(tn),
        }
    }

    pub fn n_chunks(&self) -> usize {
        self.tiles_m * self.tiles_n
    }
}

impl Sgemm {
    pub fn tiling(&self) -> Tiling {
        Tiling::new(self.m, self.n, self.k, self.min_tiles)
    }

    /// Computes tile `chunk` of [`Self::tiling`].
    ///
    /// `k == 0` or `alpha == 0` is BLAS's quick return `C = beta·C` (A and B are not read, C is
    /// not read when `beta == 0`, so NaN garbage in C or in A/B does not leak into the result).
    ///
    /// # Safety
    /// `op(A)` (m×k) and `op(B)` (k×n) must be readable through their strides and not written by
    /// anyone meanwhile; C (m×n, row stride ldc) must be valid for reads and writes and overlap
    /// neither A nor B; no other thread may touch this chunk's tile of C.
    pub unsafe fn run_chunk(&self, chunk: usize) {
        let t = self.tiling();
        debug_assert!(chunk < t.n_chunks());
        let (i0, j0) = (chunk / t.tiles_n * t.tm, chunk % t.tiles_n * t.tn);
        let (rows, cols) = (t.tm.min(self.m - i0), t.tn.min(self.n - j0));
        // SAFETY: the tile lies inside C and belongs to this chunk (contract).
        let c = unsafe { self.c.add(i0 * self.ldc + j0) };
        if self.k == 0 || self.alpha == 0.0 {
            // SAFETY: forwarded contract, restricted to the tile.
            unsafe { self.scale_tile(c, rows, cols) };
            return;
        }
        let mut buf = PACK.take();
        // SAFETY: forwarded contract, restricted to the tile.
        unsafe { self.run_tile(c, i0, j0, rows, cols, &mut buf) };
        PACK.set(buf);
    }

    /// The jc / pc / ic loops over one tile of C at `(i0, j0)` (`c` points at it), packing into
    /// `buf`. Contract as [`Self::run_chunk`], for this tile.
    unsafe fn run_tile(
        &self,
        c: *mut f32,
        i0: usize,
        j0: usize,
        rows: usize,
        cols: usize,
        buf: &mut Vec<f32>,
    ) {
        let kc = self.k.div_ceil(self.k.div_ceil(KC));
        let a_len = MC.min(rows).next_multiple_of(MR) * kc;
        let b_len = NC.min(cols).next_multiple_of(NR) * kc;
        if buf.len() < a_len + b_len {
            buf.resize(a_len + b_len, 0.0);
        }
        let (pack_a, pack_b) = buf.split_at_mut(a_len);
        for jc in (0..cols).step_by(NC) {
            let nc = NC.min(cols - jc);
            for pc in (0..self.k).step_by(kc) {
                let depth = kc.min(self.k - pc);
                let update = match (pc, self.beta) {
                    (0, 0.0) => Update::Overwrite,
                    (0, beta) => Update::Accumulate(beta),
                    _ => Update::Accumulate(1.0),
                };
                // SAFETY: rows pc..pc+depth, columns j0+jc..+nc lie inside op(B) (contract).
                unsafe {
                    let b = self
                        .b
                        .add(pc * self.b_strides.0 + (j0 + jc) * self.b_strides.1);
                    pack::pack::<NR>(b, self.b_strides.1, self.b_strides.0, nc, depth, pack_b);
                }
                for ic in (0..rows).step_by(MC) {
                    let mc = MC.min(rows - ic);
                    // SAFETY: rows i0+ic..+mc, columns pc..pc+depth lie inside op(A) (contract);
                    // the mc×nc block of C at (ic, jc) lies inside the tile.
                    unsafe {
                        let a = self
                            .a
                            .add((i0 + ic) * self.a_strides.0 + pc * self.a_strides.1);
                        pack::pack::<MR>(a, self.a_strides.0, self.a_strides.1, mc, depth, pack_a);
                        let c = c.add(ic * self.ldc + jc);
                        self.macro_kernel(c, mc, nc, depth, pack_a, pack_b, update);
                    }
                }
            }
        }
    }

    /// The jr / ir loops: every MR×NR block of an `mc × nc` block of C from packed panels.
    ///
    /// # Safety
    /// `c` valid for reads and writes of `mc` rows of `nc` elements with row stride ldc, owned
    /// by this chunk.
    #[allow(clippy::too_many_arguments)]
    unsafe fn macro_kernel(
        &self,
        c: *mut f32,
        mc: usize,
        nc: usize,
        depth: usize,
        pack_a: &[f32],
        pack_b: &[f32],
        update: Update,
    ) {
        let b_panels = pack_b.chunks_exact(NR * depth).take(nc.div_ceil(NR));
        for (j, b_panel) in b_panels.enumerate().map(|(jr, p)| (jr * NR, p)) {
            let a_panels = pack_a.chunks_exact(MR * depth).take(mc.div_ceil(MR));
            for (i, a_panel) in a_panels.enumerate().map(|(ir, p)| (ir * MR, p)) {
                let (rows, cols) = (MR.min(mc - i), NR.min(nc - j));
                // SAFETY: the block at (i, j), clipped to rows × cols, lies inside mc × nc.
                unsafe {
                    let c = c.add(i * self.ldc + j);
                    microkernel::run(
                        depth, a_panel, b_panel, c, self.ldc, rows, cols, self.alpha, update,
                    );
                }
            }
        }
    }

    /// `C = beta·C` over a tile; `C = 0` without reading C when `beta == 0`.
    ///
    /// # Safety
    /// `c` valid for reads and writes of `rows` rows of `cols` elements with row stride ldc.
    unsafe fn scale_tile(&self, c: *mut f32, rows: usize, cols: usize) {
        for r in 0..rows {
            // SAFETY: row r of the tile (contract).
            unsafe {
                let row = c.add(r * self.ldc);
                if self.beta == 0.0 {
                    core::ptr::write_bytes(row, 0, cols);
                } else {
                    crate::elementwise::scale(self.beta, row, row, 0..cols);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn covers_once(m: usize, n: usize, t: Tiling) {
        assert!(t.tm.is_multiple_of(MR) || t.tm == m, "{m}x{n}: {t:?}");
        assert!(t.tn.is_multiple_of(NR) || t.tn == n, "{m}x{n}: {t:?}");
        assert_eq!(t.tiles_m, m.div_ceil(t.tm));
        assert_eq!(t.tiles_n, n.div_ceil(t.tn));
    }

    #[test]
    fn tiny_problems_are_one_chunk() {
        for threads in [1, 2, 16] {
            for (m, n, k) in [
                (1, 1, 1),
                (13, 13, 13),
                (64, 64, 64),
                (4096, 4, 4),
                (3, 5000, 2),
                (100, 100, 0),
            ] {
                let t = Tiling::new(m, n, k, chunks_wanted(threads));
                assert_eq!(t.n_chunks(), 1, "{m}x{n}x{k}: {t:?}");
                covers_once(m, n, t);
            }
            assert_eq!(Tiling::new(0, 5, 5, chunks_wanted(threads)).n_chunks(), 0);
            assert_eq!(Tiling::new(5, 0, 5, chunks_wanted(threads)).n_chunks(), 0);
        }
    }

    #[test]
    fn a_one_thread_call_gets_the_largest_tiles_the_chunk_limit_allows() {
        assert_eq!(Tiling::new(256, 256, 256, 1).n_chunks(), 1);
        for (m, n, k) in [(1024, 1024, 1024), (4096, 64, 4096), (513, 513, 513)] {
            let t = Tiling::new(m, n, k, 1);
            covers_once(m, n, t);
            assert!(
                (t.tm * t.tn * k) as u64 <= MAX_CHUNK_MACS,
                "{m}x{n}x{k}: {t:?}"
            );
            // Not cut further than the limit needs: a tile twice as large would exceed it.
            assert!(
                (2 * t.tm * t.tn * k) as u64 > MAX_CHUNK_MACS,
                "{m}x{n}x{k}: {t:?}"
            );
        }
        // Columns are cut to NC before rows: A is packed once per NC columns of a tile anyway.
        assert_eq!(
            Tiling::new(1024, 1024, 1024, 1),
            Tiling {
                tm: 512,
                tn: NC,
                tiles_m: 2,
                tiles_n: 4
            }
        );
    }

    #[test]
    fn a_parallel_call_gets_slack_for_every_thread() {
        for threads in [2, 4, 8, 16] {
            for (m, n, k) in [
                (256, 256, 256),
                (512, 512, 512),
                (1024, 1024, 1024),
                (4000, 33, 700),
                (129, 4097, 65),
            ] {
                let t = Tiling::new(m, n, k, chunks_wanted(threads));
                covers_once(m, n, t);
                let macs = (t.tm * t.tn * k) as u64;
                assert!(
                    macs >= MIN_CHUNK_MACS && macs <= MAX_CHUNK_MACS,
                    "{m}x{n}x{k}: {t:?}"
                );
                // As many chunks as wanted, unless halving a tile would go below the minimum.
                let uncuttable = macs < 2 * MIN_CHUNK_MACS || (t.tm <= MR && t.tn <= NR);
                assert!(
                    t.n_chunks() >= chunks_wanted(threads) || uncuttable,
                    "{threads} threads, {m}x{n}x{k}: {t:?}"
                );
            }
        }
    }
}
