//! The ABI between the kernels and the weft runtime (TypeScript, one Web Worker per thread).
//!
//! A call is described by one [`Job`] in shared memory, written by JS, then driven in three
//! steps (each kernel phase repeats steps 1 and 2, see [`Job`]):
//!
//! 1. [`plan`] (one thread): fills [`Job::n_chunks`] and [`Job::scratch_bytes`]. The runtime then
//!    allocates the scratch (8-byte aligned) and stores its address in [`Job::scratch`].
//! 2. [`chunk`] for every index in `0..n_chunks`, in any order, concurrently from any number of
//!    threads. Each chunk writes only its own disjoint part of the outputs and scratch.
//! 3. [`finish`] (one thread, after every chunk completed): combines per-chunk partials.
//!
//! Chunking depends only on the problem (kernel and sizes), never on the thread count, and each
//! output element is computed by one chunk in a fixed order, so results are bit-identical for
//! any number of threads. A job with one chunk is run by the caller alone (the runtime's grain
//! cut-off); tiny problems therefore plan one chunk.
//!
//! The runtime validates arguments (lengths, bounds, alignment, aliasing); the kernels trust them.

use crate::{elementwise, gemm, reduce};
use core::ops::Range;

/// ABI version exported as `weft_abi_version`; bump on any change to [`Job`] or [`KernelId`].
pub const ABI_VERSION: u32 = 2;

/// One kernel call. JS writes the fields directly at the wasm32 offsets in the comments.
///
/// A kernel may run in several phases (e.g. a scan: block sums, then offsets), each a full
/// fork-join over its own chunks. The runtime plans phase 0 (which also reports `n_phases`
/// and the scratch size, shared by every phase), runs its chunks, then for each later phase
/// sets `phase`, plans again (only `n_chunks` may change) and runs those chunks; `finish`
/// runs once, after the last phase.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct Job {
    /// Offset 0: a [`KernelId`].
    pub kernel: u32,
    /// Offset 4: number of chunks of the current phase, written by `weft_plan` (0 for empty input).
    pub n_chunks: u32,
    /// Offset 8: bytes of per-call scratch the caller must allocate (8-byte aligned), written by
    /// `weft_plan` of phase 0; 0 if none.
    pub scratch_bytes: u32,
    /// Offset 12: address of that scratch, written by the caller after plan, before any chunk.
    pub scratch: usize,
    /// Offset 16: array arguments (byte addresses in the shared memory).
    pub ptr: [usize; 4],
    /// Offset 32: lengths, shapes, flags.
    pub dim: [u32; 8],
    /// Offset 64: the phase being planned or run, written by the caller (0 first).
    pub phase: u32,
    /// Offset 68: number of phases (at least 1), written by `weft_plan` of phase 0.
    pub n_phases: u32,
    /// Offset 72: scalar arguments (alpha, beta, ...); f64 so that coordinates keep precision.
    pub scalar: [f64; 4],
    /// Offset 104: scalar result, written by `weft_finish` (reductions).
    pub result: f64,
    /// Offset 112: threads expected to work on this call (those running tasks and leases leave
    /// it when it starts, the caller included, at most its `threads` limit); written by the
    /// caller before `weft_plan`. Others may join later while chunks are left. Kernels whose best
    /// cut depends on it (sgemm: fewer, larger tiles pack less) plan for it; no result may depend
    /// on it.
    pub threads: u32,
}

#[cfg(target_arch = "wasm32")]
const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(size_of::<Job>() == 120);
    assert!(offset_of!(Job, n_chunks) == 4);
    assert!(offset_of!(Job, scratch_bytes) == 8);
    assert!(offset_of!(Job, scratch) == 12);
    assert!(offset_of!(Job, ptr) == 16);
    assert!(offset_of!(Job, dim) == 32);
    assert!(offset_of!(Job, phase) == 64);
    assert!(offset_of!(Job, n_phases) == 68);
    assert!(offset_of!(Job, scalar) == 72);
    assert!(offset_of!(Job, result) == 104);
    assert!(offset_of!(Job, threads) == 112);
};

/// What [`Job::kernel`] selects, and how each kernel reads the job's fields.
///
/// Elementwise outputs may alias an input exactly (`out == x` or `out == y`), never partially.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KernelId {
    /// `out[i] = x[i] + y[i]`. `ptr = [x, y, out]`, `dim[0] = n`.
    Add = 1,
    /// `out[i] = x[i] * y[i]`. `ptr = [x, y, out]`, `dim[0] = n`.
    Mul = 2,
    /// `out[i] = alpha*x[i] + y[i]`. `ptr = [x, y, out]`, `dim[0] = n`, `scalar[0] = alpha`.
    /// `out == y` is BLAS's in-place axpy.
    Axpy = 3,
    /// `out[i] = alpha*x[i]`. `ptr = [x, out]`, `dim[0] = n`, `scalar[0] = alpha`.
    Scale = 4,
    /// `result = sum(x)`. `ptr = [x]`, `dim[0] = n`. Empty: 0. Any NaN: NaN.
    Sum = 5,
    /// `result = sum(x[i]*y[i])`. `ptr = [x, y]`, `dim[0] = n`. Empty: 0. Any NaN: NaN.
    Dot = 6,
    /// `result = min(x)`. `ptr = [x]`, `dim[0] = n`. Empty: +Infinity. Any NaN: NaN.
    Min = 7,
    /// `result = max(x)`. `ptr = [x]`, `dim[0] = n`. Empty: -Infinity. Any NaN: NaN.
    Max = 8,
    /// `C = alpha·op(A)·op(B) + beta·C`, row-major, C is m×n with row stride n.
    /// `ptr = [A, B, C]`, `dim = [m, k, n, flags, lda, ldb]`, `scalar = [alpha, beta]`.
    /// flags bit0: A is stored transposed (k×m); bit1: B is stored transposed (n×k).
    /// lda/ldb: row strides of A and B as stored, in elements; 0 means packed (the stored
    /// row length). `beta == 0`: C is not read (it may hold NaN). C must not overlap A or B.
    /// flags bit2: batched, `dim[6]` products (may be 0), each operand's matrices stored one
    /// after another (A_i at A + i·rows·lda as stored, likewise B; C_i at C + i·m·n).
    Sgemm = 9,
}

impl KernelId {
    pub fn from_u32(id: u32) -> Option<Self> {
        use KernelId::*;
        [Add, Mul, Axpy, Scale, Sum, Dot, Min, Max, Sgemm]
            .into_iter()
            .find(|&k| k as u32 == id)
    }
}

const TRANS_A: u32 = 1;
const TRANS_B: u32 = 2;
const BATCHED: u32 = 4;

fn kernel_of(job: &Job) -> KernelId {
    // The runtime validates ids, so an unknown one is a runtime bug: trap loudly.
    KernelId::from_u32(job.kernel)
        .unwrap_or_else(|| panic!("weft: unknown kernel id {}", job.kernel))
}

/// Length `dim[0]` of a 1-D job.
fn len(job: &Job) -> usize {
    job.dim[0] as usize
}

/// Index range of 1-D chunk `chunk` of `chunk_len` elements over `0..n`.
fn span(n: usize, chunk_len: usize, chunk: u32) -> Range<usize> {
    let start = chunk as usize * chunk_len;
    debug_assert!(start < n);
    start..n.min(start + chunk_len)
}

fn f32_ptr(job: &Job, i: usize) -> *mut f32 {
    job.ptr[i] as *mut f32
}

fn sgemm(job: &Job) -> gemm::Sgemm {
    let [m, k, n, _, lda, ldb, _, _] = job.dim.map(|d| d as usize);
    let (trans_a, trans_b) = (job.dim[3] & TRANS_A != 0, job.dim[3] & TRANS_B != 0);
    // Row length of A and B as stored; a stride of 0 means packed rows.
    let (a_row, b_row) = (if trans_a { m } else { k }, if trans_b { k } else { n });
    let stride = |ld: usize, row: usize| if ld == 0 { row } else { ld };
    let (lda, ldb) = (stride(lda, a_row), stride(ldb, b_row));
    debug_assert!(
        lda >= a_row && ldb >= b_row,
        "row stride shorter than the row"
    );
    gemm::Sgemm {
        m,
        n,
        k,
        a: f32_ptr(job, 0),
        a_strides: if trans_a { (1, lda) } else { (lda, 1) },
        b: f32_ptr(job, 1),
        b_strides: if trans_b { (1, ldb) } else { (ldb, 1) },
        c: f32_ptr(job, 2),
        ldc: n,
        alpha: job.scalar[0] as f32,
        beta: job.scalar[1] as f32,
        min_tiles: 1,
    }
}

/// The job's sgemm, batched or not (a single product is a batch of 1).
fn sgemm_batch(job: &Job) -> gemm::Batched {
    let one = sgemm(job);
    let (trans_a, trans_b) = (job.dim[3] & TRANS_A != 0, job.dim[3] & TRANS_B != 0);
    // Row stride and stored rows of each operand (its matrices are rows·ld apart).
    let (lda, a_rows) = match trans_a {
        true => (one.a_strides.1, one.k),
        false => (one.a_strides.0, one.m),
    };
    let (ldb, b_rows) = match trans_b {
        true => (one.b_strides.1, one.n),
        false => (one.b_strides.0, one.k),
    };
    let batch = match job.dim[3] & BATCHED {
        0 => 1,
        _ => job.dim[6] as usize,
    };
    // The batch is parallel slack too: each product needs only its share of the chunks.
    let one = gemm::Sgemm {
        min_tiles: gemm::chunks_wanted(job.threads as usize).div_ceil(batch.max(1)),
        ..one
    };
    gemm::Batched {
        one,
        batch,
        strides: (a_rows * lda, b_rows * ldb, one.m * one.n),
    }
}

/// Plans the current phase: writes `n_chunks` (and on phase 0 `scratch_bytes` and
/// `n_phases`), returns `n_chunks`.
pub fn plan(job: &mut Job) -> u32 {
    if (10..=19).contains(&job.kernel) {
        return crate::image::plan(job);
    }
    if (20..=39).contains(&job.kernel) {
        return crate::data::plan(job);
    }
    job.n_phases = 1;
    let (n_chunks, scratch_bytes) = match kernel_of(job) {
        KernelId::Add | KernelId::Mul | KernelId::Axpy | KernelId::Scale => {
            (len(job).div_ceil(elementwise::CHUNK), 0)
        }
        KernelId::Sum | KernelId::Dot | KernelId::Min | KernelId::Max => {
            let n_chunks = len(job).div_ceil(reduce::CHUNK);
            (n_chunks, n_chunks * size_of::<f64>())
        }
        KernelId::Sgemm => (sgemm_batch(job).n_chunks(), 0),
    };
    job.n_chunks = n_chunks as u32;
    job.scratch_bytes = scratch_bytes as u32;
    job.n_chunks
}

/// Phase 2: runs chunk `chunk` (< `n_chunks`) of a planned job.
///
/// # Safety
/// The job must have been planned, its pointers must satisfy its kernel's contract (see
/// [`KernelId`]), the scratch must be allocated, and each chunk index must run exactly once
/// per job. Several threads may run different chunks of the same job at the same time.
pub unsafe fn chunk(job: &Job, chunk: u32) {
    debug_assert!(chunk < job.n_chunks);
    if (10..=19).contains(&job.kernel) {
        // SAFETY: forwarded contract.
        return unsafe { crate::image::chunk(job, chunk) };
    }
    if (20..=39).contains(&job.kernel) {
        // SAFETY: forwarded contract.
        return unsafe { crate::data::chunk(job, chunk) };
    }
    let p = |i| f32_ptr(job, i);
    let partial = |value: f64| {
        // SAFETY: scratch holds n_chunks f64s (plan), and slot `chunk` belongs to this chunk.
        unsafe { (job.scratch as *mut f64).add(chunk as usize).write(value) }
    };
    let elementwise = || span(len(job), elementwise::CHUNK, chunk);
    let reduction = || span(len(job), reduce::CHUNK, chunk);
    // SAFETY (all arms): the runtime guarantees the kernel contracts (caller contract above);
    // ranges come from `span`, so each chunk touches only its own part of the outputs.
    unsafe {
        match kernel_of(job) {
            KernelId::Add => elementwise::add(p(0), p(1), p(2), elementwise()),
            KernelId::Mul => elementwise::mul(p(0), p(1), p(2), elementwise()),
            KernelId::Axpy => {
                elementwise::axpy(job.scalar[0] as f32, p(0), p(1), p(2), elementwise())
            }
            KernelId::Scale => elementwise::scale(job.scalar[0] as f32, p(0), p(1), elementwise()),
            KernelId::Sum => partial(reduce::chunk::<reduce::Sum, 1>([p(0)], reduction())),
            KernelId::Dot => partial(reduce::chunk::<reduce::Dot, 2>([p(0), p(1)], reduction())),
            KernelId::Min => partial(reduce::chunk::<reduce::Min, 1>([p(0)], reduction())),
            KernelId::Max => partial(reduce::chunk::<reduce::Max, 1>([p(0)], reduction())),
            KernelId::Sgemm => sgemm_batch(job).run_chunk(chunk as usize),
        }
    }
}

/// Phase 3: combines per-chunk partials (reductions write `result`; a no-op otherwise).
///
/// # Safety
/// Every chunk of the job has completed, and for reductions the scratch holds their partials.
pub unsafe fn finish(job: &mut Job) {
    if (10..=19).contains(&job.kernel) {
        return crate::image::finish(job);
    }
    if (20..=39).contains(&job.kernel) {
        // SAFETY: forwarded contract.
        return unsafe { crate::data::finish(job) };
    }
    let partials = || {
        if job.n_chunks == 0 {
            return &[][..];
        }
        // SAFETY: scratch holds n_chunks f64 partials, all written (contract), 8-byte aligned.
        unsafe { core::slice::from_raw_parts(job.scratch as *const f64, job.n_chunks as usize) }
    };
    let result = match kernel_of(job) {
        KernelId::Add | KernelId::Mul | KernelId::Axpy | KernelId::Scale | KernelId::Sgemm => {
            return
        }
        KernelId::Sum => reduce::finish::<reduce::Sum, 1>(partials()),
        KernelId::Dot => reduce::finish::<reduce::Dot, 2>(partials()),
        KernelId::Min => reduce::finish::<reduce::Min, 1>(partials()),
        KernelId::Max => reduce::finish::<reduce::Max, 1>(partials()),
    };
    job.result = result;
}
