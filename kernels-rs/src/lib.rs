//! weft compute kernels: SIMD128 kernels for shared-memory WebAssembly threads.
//!
//! This file only holds the exported C ABI; [`abi`] documents the protocol (`Job`, plan →
//! chunks → finish) and dispatches to the kernels.

pub mod abi;
pub mod data;
mod elementwise;
mod gemm;
pub mod image;
mod reduce;
mod simd;

use abi::Job;
use std::alloc::Layout;

/// Version of the ABI in [`abi`]; the runtime refuses a module with another version.
#[no_mangle]
pub extern "C" fn weft_abi_version() -> u32 {
    abi::ABI_VERSION
}

/// `size_of::<Job>()` (80 on wasm32), for the runtime to check against its own layout.
#[no_mangle]
pub extern "C" fn weft_job_size() -> u32 {
    size_of::<Job>() as u32
}

/// Allocates `size` bytes aligned to `align` (a power of two) from the module's heap.
/// Returns 0 on failure or invalid layout; for `size == 0`, a non-null dangling address
/// (`align`) that [`weft_free`] accepts.
#[no_mangle]
pub extern "C" fn weft_alloc(size: usize, align: usize) -> usize {
    match Layout::from_size_align(size, align) {
        Ok(_) if size == 0 => align,
        // SAFETY: the layout has non-zero size.
        Ok(layout) => unsafe { std::alloc::alloc(layout) as usize },
        Err(_) => 0,
    }
}

/// Frees a block from [`weft_alloc`] with the same `size` and `align`; a no-op for `size == 0`.
///
/// # Safety
/// `ptr` must come from `weft_alloc(size, align)` and not have been freed.
#[no_mangle]
pub unsafe extern "C" fn weft_free(ptr: usize, size: usize, align: usize) {
    if size == 0 || ptr == 0 {
        return;
    }
    // SAFETY: the caller passes back a live allocation and the layout it was made with.
    unsafe {
        std::alloc::dealloc(
            ptr as *mut u8,
            Layout::from_size_align_unchecked(size, align),
        )
    }
}

/// Plans `job`: writes `n_chunks` and `scratch_bytes`, returns `n_chunks`.
///
/// # Safety
/// `job` points to a valid, exclusively accessed [`Job`].
#[no_mangle]
pub unsafe extern "C" fn weft_plan(job: *mut Job) -> u32 {
    // SAFETY: caller contract.
    abi::plan(unsafe { &mut *job })
}

/// Runs chunk `chunk` of a planned job; called concurrently for different chunks.
///
/// # Safety
/// See [`abi::chunk`]; the job is not modified by anyone while chunks run.
#[no_mangle]
pub unsafe extern "C" fn weft_chunk(job: *const Job, chunk: u32) {
    // SAFETY: caller contract; shared access only.
    unsafe { abi::chunk(&*job, chunk) }
}

/// Combines the chunks' partial results into `job.result` (reductions).
///
/// # Safety
/// See [`abi::finish`]; `job` is exclusively accessed.
#[no_mangle]
pub unsafe extern "C" fn weft_finish(job: *mut Job) {
    // SAFETY: caller contract.
    unsafe { abi::finish(&mut *job) }
}
