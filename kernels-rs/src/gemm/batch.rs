//! Batched sgemm: `batch` independent products `C_i = alpha·op(A_i)·op(B_i) + beta·C_i`, the
//! operands of each laid out one after another at fixed strides.
//!
//! Chunks are (matrix, tile) pairs over the tiling of one product, so each element is computed
//! exactly as in an unbatched call (bit-identical for any thread count). When one product is a
//! single tile (small matrices), consecutive matrices are grouped so a chunk holds at least
//! [`MIN_CHUNK_MACS`] multiply-adds. The batch counts as parallel slack: each product is cut
//! into its share of the chunks the call wants ([`super::chunks_wanted`]).

use super::{Sgemm, MIN_CHUNK_MACS};

#[derive(Clone, Copy, Debug)]
pub(crate) struct Batched {
    /// The first product; the others are it with the pointers moved by `strides`.
    pub one: Sgemm,
    pub batch: usize,
    /// Elements between consecutive A, B and C matrices.
    pub strides: (usize, usize, usize),
}

impl Batched {
    fn tiles(&self) -> usize {
        self.one.tiling().n_chunks()
    }

    /// Matrices per chunk: 1 unless a product is a single tile.
    fn group(&self) -> usize {
        if self.tiles() != 1 {
            return 1;
        }
        let one = &self.one;
        let macs = (one.m as u64) * (one.n as u64) * (one.k.max(1) as u64);
        (MIN_CHUNK_MACS / macs.max(1)).clamp(1, self.batch.max(1) as u64) as usize
    }

    pub fn n_chunks(&self) -> usize {
        match self.tiles() {
            0 => 0,
            1 => self.batch.div_ceil(self.group()),
            t => self.batch * t,
        }
    }

    /// Product `i` of the batch.
    fn at(&self, i: usize) -> Sgemm {
        let (sa, sb, sc) = self.strides;
        Sgemm {
            a: self.one.a.wrapping_add(i * sa),
            b: self.one.b.wrapping_add(i * sb),
            c: self.one.c.wrapping_add(i * sc),
            ..self.one
        }
    }

    /// Runs chunk `chunk` of [`Self::n_chunks`].
    ///
    /// # Safety
    /// As [`Sgemm::run_chunk`], for every product of the batch.
    pub unsafe fn run_chunk(&self, chunk: usize) {
        let t = self.tiles();
        if t == 1 {
            let g = self.group();
            for i in chunk * g..self.batch.min((chunk + 1) * g) {
                // SAFETY: forwarded contract; product i's C belongs to this chunk alone.
                unsafe { self.at(i).run_chunk(0) };
            }
        } else {
            // SAFETY: forwarded contract; (matrix, tile) belongs to this chunk alone.
            unsafe { self.at(chunk / t).run_chunk(chunk % t) };
        }
    }
}
