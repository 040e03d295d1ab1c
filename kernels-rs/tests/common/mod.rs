//! Test harness: drives jobs through the exported plan/chunk/finish entry points exactly as the
//! runtime does, in any chunk order or on real threads.
#![allow(dead_code)] // each test binary uses a different subset

use std::sync::atomic::{AtomicU32, Ordering};
use weft_kernels::abi::{Job, KernelId};
use weft_kernels::data::DataKernel;
use weft_kernels::image::ImageKernel;
use weft_kernels::{weft_chunk, weft_finish, weft_plan};

/// xorshift64*: tiny, deterministic, good enough for test data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in [-1, 1).
    pub fn f32(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    /// An integer in -r..=r, as f32.
    pub fn int(&mut self, r: i32) -> f32 {
        (self.below((2 * r + 1) as usize) as i32 - r) as f32
    }

    pub fn vec(&mut self, n: usize) -> Vec<f32> {
        (0..n).map(|_| self.f32()).collect()
    }

    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            v.swap(i, self.below(i + 1));
        }
    }
}

/// How the chunks of a job are run.
#[derive(Clone, Copy, Debug)]
pub enum Order {
    Sequential,
    Reversed,
    Shuffled(u64),
    /// Real threads pulling chunk indices from a shared counter, as the runtime's workers do.
    Threads(usize),
}

impl Order {
    /// The threads the call is planned for (kernels may cut work by it, never change a result):
    /// a `Threads` order's own count; the single-thread orders run a 4-thread call's chunks.
    pub fn threads(self) -> u32 {
        match self {
            Order::Threads(t) => t as u32,
            _ => 4,
        }
    }
}

pub const ORDERS: [Order; 4] = [
    Order::Sequential,
    Order::Reversed,
    Order::Shuffled(7),
    Order::Threads(4),
];

/// A kernel id of any family.
pub trait Kernel: Copy {
    fn id(self) -> u32;
}

impl Kernel for KernelId {
    fn id(self) -> u32 {
        self as u32
    }
}

impl Kernel for DataKernel {
    fn id(self) -> u32 {
        self as u32
    }
}

impl Kernel for ImageKernel {
    fn id(self) -> u32 {
        self as u32
    }
}

pub fn job(kernel: impl Kernel, ptr: &[usize], dim: &[u32], scalar: &[f64]) -> Job {
    let mut job = Job {
        kernel: kernel.id(),
        ..Job::default()
    };
    job.ptr[..ptr.len()].copy_from_slice(ptr);
    job.dim[..dim.len()].copy_from_slice(dim);
    job.scalar[..scalar.len()].copy_from_slice(scalar);
    job
}

/// `job` after `weft_plan` of phase 0, which reads nothing but the job: its `n_chunks`,
/// `n_phases` and `scratch_bytes` are set.
pub fn planned(mut job: Job) -> Job {
    job.phase = 0;
    // SAFETY: the job is exclusively ours; planning phase 0 dereferences none of its pointers.
    let n = unsafe { weft_plan(&mut job) };
    assert_eq!(n, job.n_chunks);
    job
}

/// Elements per chunk of a 1-D kernel (`dim[0] = n`), found through the ABI: the largest `n`
/// planned as one chunk.
pub fn chunk_len(kernel: KernelId) -> usize {
    let chunks = |n: usize| planned(job(kernel, &[], &[n as u32], &[])).n_chunks;
    let (mut lo, mut hi) = (1usize, 1 << 30);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if chunks(mid + 1) >= 2 {
            hi = mid
        } else {
            lo = mid + 1
        }
    }
    lo
}

/// Random inputs `(x, y)` in [-1, 1), one pair of each length in `sizes`.
pub fn random_pairs(seed: u64, sizes: Vec<usize>) -> impl Iterator<Item = (Vec<f32>, Vec<f32>)> {
    let mut rng = Rng::new(seed);
    sizes.into_iter().map(move |n| (rng.vec(n), rng.vec(n)))
}

/// Sizes around the SIMD width (4 lanes, and 16 for four accumulators) and either side of
/// the chunk length `chunk`, then `more`.
pub fn edge_sizes(chunk: usize, more: &[usize]) -> Vec<usize> {
    let small = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 31, 33];
    [&small[..], &[chunk - 1, chunk, chunk + 1], more].concat()
}

/// plan → allocate scratch → every chunk (in `order`) of every phase → finish. Returns `job.result`.
pub fn run(job: &mut Job, order: Order) -> f64 {
    // SAFETY (whole fn): the tests build jobs whose pointers cover the sizes in `dim`.
    job.phase = 0;
    job.threads = order.threads();
    let n = unsafe { weft_plan(job) };
    assert_eq!(n, job.n_chunks);
    assert_eq!(job.scratch_bytes % 8, 0);
    assert!(job.n_phases >= 1);
    let mut scratch = vec![0u64; job.scratch_bytes as usize / 8];
    job.scratch = scratch.as_mut_ptr() as usize;
    run_chunks(job, n, order);
    for phase in 1..job.n_phases {
        job.phase = phase;
        let n = unsafe { weft_plan(job) };
        run_chunks(job, n, order);
    }
    unsafe { weft_finish(job) };
    job.result
}

/// Runs chunks `0..n` of the current phase in `order`.
fn run_chunks(job: &Job, n: u32, order: Order) {
    let mut chunks: Vec<u32> = (0..n).collect();
    // SAFETY: the caller planned this phase; each chunk index runs exactly once.
    match order {
        Order::Sequential => {}
        Order::Reversed => chunks.reverse(),
        Order::Shuffled(seed) => Rng::new(seed).shuffle(&mut chunks),
        Order::Threads(threads) => {
            let next = AtomicU32::new(0);
            std::thread::scope(|s| {
                for _ in 0..threads {
                    s.spawn(|| loop {
                        let c = next.fetch_add(1, Ordering::Relaxed);
                        if c >= n {
                            break;
                        }
                        unsafe { weft_chunk(job, c) };
                    });
                }
            });
            chunks.clear();
        }
    }
    for c in chunks {
        unsafe { weft_chunk(job, c) };
    }
}

/// Equal as values, with NaN == NaN (and -0 == +0).
pub fn same(a: f32, b: f32) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

pub fn bits(v: &[f32]) -> Vec<u32> {
    v.iter().map(|x| x.to_bits()).collect()
}
