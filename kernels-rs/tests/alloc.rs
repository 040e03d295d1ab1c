//! weft_alloc / weft_free and the version exports.

use weft_kernels::{weft_abi_version, weft_alloc, weft_free, weft_job_size};

#[test]
fn versions() {
    assert_eq!(weft_abi_version(), weft_kernels::abi::ABI_VERSION);
    assert_eq!(
        weft_job_size() as usize,
        size_of::<weft_kernels::abi::Job>()
    );
}

#[test]
fn alloc_is_aligned_and_usable() {
    for (size, align) in [(1, 1), (3, 4), (100, 8), (4096, 16), (1 << 20, 64)] {
        let p = weft_alloc(size, align);
        assert!(p != 0 && p.is_multiple_of(align), "{size} {align}: {p:#x}");
        // SAFETY: p is a live allocation of `size` bytes.
        unsafe {
            std::ptr::write_bytes(p as *mut u8, 0xAB, size);
            weft_free(p, size, align);
        }
    }
}

#[test]
fn zero_size_is_dangling_and_free_is_a_no_op() {
    assert_eq!(weft_alloc(0, 8), 8);
    assert_eq!(weft_alloc(0, 1), 1);
    unsafe { weft_free(8, 0, 8) };
}

#[test]
fn invalid_layouts_fail_with_zero() {
    assert_eq!(weft_alloc(16, 3), 0);
    assert_eq!(weft_alloc(16, 0), 0);
    assert_eq!(weft_alloc(usize::MAX - 2, 8), 0);
}
