//! The DATA family (kernel ids 20–39): sort, argsort, prefix sum, histogram, transpose, softmax.
//!
//! [`crate::abi`] hands every job with an id in 20..=39 to [`plan`], [`chunk`] and [`finish`]
//! here. The Job protocol is the same (plan → chunks → finish, phases); in addition, `plan` of a
//! phase p > 0 may prepare per-phase tables in the scratch from what phase p − 1 wrote (a serial
//! step between two parallel phases: e.g. the exclusive scan of radix-sort counts, the scan of
//! prefix-sum block totals, the range of a histogram). Plans of phase 0 do not touch the scratch
//! (it is allocated after them). Every decision depends on the input only, never on the number
//! of threads, so results are bit-identical for any thread count.

mod histogram;
mod scan;
mod softmax;
mod sort;
mod transpose;

use crate::abi::Job;

/// Kernel ids of this family and how each reads the job.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataKernel {
    /// Ascending sort (TypedArray order: NaN last, -0 before +0). `ptr = [x, out]` (out may
    /// equal x, not partially overlap it), `dim = [n, type]`, type 0: f32, 1: i32, 2: u32.
    Sort = 20,
    /// Stable argsort: `out` (u32 indices) such that `x[out[i]]` is sorted. `ptr = [x, out]`
    /// (no overlap), `dim = [n, type]`.
    Argsort = 21,
    /// Prefix sum of f32. `ptr = [x, out]` (out may equal x), `dim = [n, exclusive]`.
    PrefixSum = 22,
    /// Histogram into u32 counts. `ptr = [x, out]` or `[x, edges, out]`, `dim = [n, bins, mode]`,
    /// `scalar = [lo, hi]`; see [`histogram`].
    Histogram = 23,
    /// Transpose of a rows×cols matrix of 32-bit elements. `ptr = [x, out]` (no overlap),
    /// `dim = [rows, cols]`.
    Transpose = 24,
    /// Row-wise softmax of a rows×cols f32 matrix. `ptr = [x, out]` (out may equal x),
    /// `dim = [rows, cols]`.
    Softmax = 25,
}

impl DataKernel {
    pub fn from_u32(id: u32) -> Option<Self> {
        use DataKernel::*;
        [Sort, Argsort, PrefixSum, Histogram, Transpose, Softmax]
            .into_iter()
            .find(|&k| k as u32 == id)
    }
}

fn kernel_of(job: &Job) -> DataKernel {
    DataKernel::from_u32(job.kernel)
        .unwrap_or_else(|| panic!("weft: unknown kernel id {}", job.kernel))
}

/// Plans the current phase (see [`crate::abi::plan`]); returns `n_chunks`.
pub fn plan(job: &mut Job) -> u32 {
    let first = job.phase == 0;
    let (n_chunks, phases, scratch) = match kernel_of(job) {
        k @ (DataKernel::Sort | DataKernel::Argsort) => {
            let s = sort::Sort::new(job, k == DataKernel::Argsort);
            let scratch = if first { s.scratch_bytes() } else { 0 };
            // SAFETY: phases > 0 run after the previous phase completed (protocol).
            (unsafe { s.plan(job.phase) }, s.phases(), scratch)
        }
        DataKernel::PrefixSum => {
            let s = scan::Scan::new(job);
            // SAFETY: as above.
            (unsafe { s.plan(job.phase) }, s.phases(), s.scratch_bytes())
        }
        DataKernel::Histogram => {
            let h = histogram::Histogram::new(job);
            let scratch = if first { h.scratch_bytes() } else { 0 };
            // SAFETY: as above.
            (unsafe { h.plan(job) }, h.phases(), scratch)
        }
        DataKernel::Transpose => (transpose::Transpose::new(job).chunks(), 1, 0),
        DataKernel::Softmax => (softmax::Softmax::new(job).chunks(), 1, 0),
    };
    if first {
        job.n_phases = phases;
        job.scratch_bytes = scratch;
    }
    job.n_chunks = n_chunks;
    n_chunks
}

/// Runs chunk `chunk` of the current phase.
///
/// # Safety
/// As [`crate::abi::chunk`].
pub unsafe fn chunk(job: &Job, chunk: u32) {
    debug_assert!(chunk < job.n_chunks);
    let c = chunk as usize;
    // SAFETY: forwarded contract.
    unsafe {
        match kernel_of(job) {
            k @ (DataKernel::Sort | DataKernel::Argsort) => {
                sort::Sort::new(job, k == DataKernel::Argsort).chunk(job.phase, chunk)
            }
            DataKernel::PrefixSum => scan::Scan::new(job).chunk(job.phase, c),
            DataKernel::Histogram => histogram::Histogram::new(job).chunk(job.phase, c),
            DataKernel::Transpose => transpose::Transpose::new(job).chunk(c),
            DataKernel::Softmax => softmax::Softmax::new(job).chunk(c),
        }
    }
}

/// Nothing to combine: every kernel of the family writes its array result in its chunks.
///
/// # Safety
/// As [`crate::abi::finish`].
pub unsafe fn finish(job: &mut Job) {
    kernel_of(job);
}
