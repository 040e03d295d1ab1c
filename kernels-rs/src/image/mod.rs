//! The IMAGE kernel family (kernel ids 10–19): Gaussian and box blur of RGBA images, 2-D
//! convolution of `f32` planes, Mandelbrot rendering. [`crate::abi`] forwards every job whose
//! kernel id is in `10..=19` to [`plan`], [`chunk`] and [`finish`] here; the protocol (phases,
//! scratch, chunk independence, thread-count-independent results) is the one documented there.
//!
//! Every kernel here is exact or deterministic by construction: the blurs are integer fixed
//! point (bit-identical in both wasm builds and natively), the convolution evaluates each output
//! in a fixed order, Mandelbrot iterates in plain `f64` (no fused operations). Chunks allocate
//! nothing: per-chunk buffers live in the job's scratch or on the stack.

mod blur;
mod conv;
mod mandelbrot;

use crate::abi::Job;
use blur::{Blur, Kind};
use conv::Conv2d;
use mandelbrot::Mandelbrot;

/// What [`Job::kernel`] selects in this family, and how each kernel reads the job's fields.
/// RGBA images are `width·height·4` bytes, row-major, channels interleaved.
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImageKernel {
    /// Separable Gaussian blur, edges replicated, all four channels. `ptr = [rgba, out]`,
    /// `dim = [width, height, radius]` (radius ≤ 255), `scalar[0] = sigma` (> 0). Two phases:
    /// horizontal pass into a fixed-point intermediate in scratch, then vertical pass. `out` may
    /// equal `rgba` (phase 0 reads all of the input before phase 1 writes). Exact integer
    /// arithmetic, see `blur.rs` for the weights and rounding.
    GaussianBlur = 10,
    /// Box blur, `(2r+1)×(2r+1)` mean with replicated edges, rounded to nearest. Same fields as
    /// `GaussianBlur` (radius ≤ 255, no sigma); running sums, O(1) per pixel in the radius.
    BoxBlur = 11,
    /// "Same"-size 2-D correlation (the filter is not flipped) of an `f32` plane with a `k×k`
    /// filter, zero padding: `out[y][x] = Σ f[i][j]·x[y+i-k/2][x+j-k/2]` over the taps inside
    /// the image, in row-major tap order from 0 (taps outside contribute nothing).
    /// `ptr = [x, filter, out]`, `dim = [width, height, k]`, k odd. `out` overlaps no input.
    Conv2d = 12,
    /// Mandelbrot set, RGBA. `ptr = [out]`, `dim = [width, height, max_iter]`,
    /// `scalar = [center_x, center_y, scale]`. Chunk `i` renders exactly row `i`. Iterates in
    /// f32 for coarse views and f64 otherwise, a documented rule (`mandelbrot.rs`).
    Mandelbrot = 13,
}

impl ImageKernel {
    pub fn from_u32(id: u32) -> Option<Self> {
        use ImageKernel::*;
        [GaussianBlur, BoxBlur, Conv2d, Mandelbrot]
            .into_iter()
            .find(|&k| k as u32 == id)
    }
}

/// Chunks a kernel aims for: enough slack for dynamic scheduling over 8–16 threads.
const TARGET_CHUNKS: usize = 64;
/// Least work per chunk, in "work units" (about one vector tap of one pixel, ~0.3 ns): ~20 µs,
/// above the cost of handing a chunk to another thread. Smaller problems run as one chunk.
const MIN_CHUNK_WORK: u64 = 1 << 16;

/// Rows per band when `rows` rows of `row_work` units each are cut into about `target` bands
/// of at least [`MIN_CHUNK_WORK`]. A function of the problem only.
fn band_rows(rows: usize, row_work: u64, target: usize) -> usize {
    let by_target = rows.div_ceil(target.max(1));
    let by_grain = MIN_CHUNK_WORK.div_ceil(row_work.max(1)) as usize;
    by_target.max(by_grain).clamp(1, rows.max(1))
}

fn kernel_of(job: &Job) -> ImageKernel {
    ImageKernel::from_u32(job.kernel)
        .unwrap_or_else(|| panic!("weft: unknown image kernel id {}", job.kernel))
}

/// Plans the current phase (see [`crate::abi::plan`]).
pub(crate) fn plan(job: &mut Job) -> u32 {
    let (n_phases, n_chunks, scratch) = match kernel_of(job) {
        ImageKernel::GaussianBlur => {
            let b = Blur::new(job, Kind::Gaussian);
            (2, b.n_chunks(job.phase), b.scratch_bytes())
        }
        ImageKernel::BoxBlur => {
            let b = Blur::new(job, Kind::Box);
            (2, b.n_chunks(job.phase), b.scratch_bytes())
        }
        ImageKernel::Conv2d => (1, Conv2d::new(job).n_chunks(), 0),
        ImageKernel::Mandelbrot => (1, Mandelbrot::new(job).n_chunks(), 0),
    };
    if job.phase == 0 {
        job.n_phases = n_phases;
        job.scratch_bytes = u32::try_from(scratch).expect("weft: image scratch over 4 GiB");
    }
    job.n_chunks = n_chunks as u32;
    job.n_chunks
}

/// Runs chunk `chunk` of the current phase.
///
/// # Safety
/// As [`crate::abi::chunk`]: the job was planned for this phase, its pointers satisfy the
/// kernel's contract ([`ImageKernel`]), the scratch is allocated, each chunk runs once.
pub(crate) unsafe fn chunk(job: &Job, chunk: u32) {
    debug_assert!(chunk < job.n_chunks);
    let chunk = chunk as usize;
    // SAFETY (all arms): forwarded caller contract; each chunk writes only its own rows/tiles.
    unsafe {
        match kernel_of(job) {
            ImageKernel::GaussianBlur => Blur::new(job, Kind::Gaussian).run_chunk(job.phase, chunk),
            ImageKernel::BoxBlur => Blur::new(job, Kind::Box).run_chunk(job.phase, chunk),
            ImageKernel::Conv2d => Conv2d::new(job).run_chunk(chunk),
            ImageKernel::Mandelbrot => Mandelbrot::new(job).run_row(chunk),
        }
    }
}

/// Nothing to combine: every kernel of the family writes its output from its chunks.
pub(crate) fn finish(job: &mut Job) {
    let _ = kernel_of(job);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_respect_grain_and_target() {
        assert_eq!(band_rows(0, 10, 64), 1);
        assert_eq!(band_rows(1, 10, 64), 1);
        // Tiny rows: one band holds everything up to the grain.
        assert_eq!(band_rows(100, 10, 64), 100);
        // Big rows: about `target` bands.
        assert_eq!(band_rows(1024, 1 << 20, 64), 16);
        assert_eq!(band_rows(1000, 1 << 20, 64), 16);
    }
}
