//! Sgemm through plan/chunk/finish against a scalar reference.
//!
//! Inputs are small integers and alpha/beta are dyadic, so every product and partial sum is an
//! exactly representable f32: the kernel must match the reference exactly, whatever its
//! blocking and summation order.

mod common;

use common::*;
use weft_kernels::abi::KernelId;

#[derive(Clone, Copy, Debug)]
struct Case {
    m: usize,
    n: usize,
    k: usize,
    trans_a: bool,
    trans_b: bool,
    /// Extra row-stride padding of A and B as stored (0: packed, passed as ld = 0).
    pad: usize,
    alpha: f32,
    beta: f32,
}

struct Operands {
    a: Vec<f32>,
    lda: usize,
    b: Vec<f32>,
    ldb: usize,
    c: Vec<f32>,
}

impl Case {
    fn new(
        (m, n, k): (usize, usize, usize),
        (trans_a, trans_b): (bool, bool),
        pad: usize,
        (alpha, beta): (f32, f32),
    ) -> Self {
        Self {
            m,
            n,
            k,
            trans_a,
            trans_b,
            pad,
            alpha,
            beta,
        }
    }

    /// Random stored A (m×k, or k×m transposed), B (k×n or n×k) and C.
    fn operands(&self, rng: &mut Rng, value: &mut impl FnMut(&mut Rng) -> f32) -> Operands {
        let (a_rows, a_cols) = if self.trans_a {
            (self.k, self.m)
        } else {
            (self.m, self.k)
        };
        let (b_rows, b_cols) = if self.trans_b {
            (self.n, self.k)
        } else {
            (self.k, self.n)
        };
        let (lda, ldb) = (a_cols + self.pad, b_cols + self.pad);
        // Padding elements are NaN: reading one would poison the result.
        let strided = |rows: usize,
                       cols: usize,
                       ld: usize,
                       rng: &mut Rng,
                       value: &mut dyn FnMut(&mut Rng) -> f32| {
            (0..rows * ld)
                .map(|i| if i % ld < cols { value(rng) } else { f32::NAN })
                .collect::<Vec<f32>>()
        };
        let a = strided(a_rows, a_cols, lda, rng, value);
        let b = strided(b_rows, b_cols, ldb, rng, value);
        let c = if self.beta == 0.0 {
            vec![f32::NAN; self.m * self.n]
        } else {
            (0..self.m * self.n).map(|_| value(rng)).collect()
        };
        Operands { a, lda, b, ldb, c }
    }

    fn reference(&self, o: &Operands) -> Vec<f32> {
        let op_a = |i: usize, p: usize| {
            if self.trans_a {
                o.a[p * o.lda + i]
            } else {
                o.a[i * o.lda + p]
            }
        };
        let op_b = |p: usize, j: usize| {
            if self.trans_b {
                o.b[j * o.ldb + p]
            } else {
                o.b[p * o.ldb + j]
            }
        };
        let mut c = o.c.clone();
        for i in 0..self.m {
            for j in 0..self.n {
                let c = &mut c[i * self.n + j];
                let old = if self.beta == 0.0 {
                    0.0
                } else {
                    self.beta as f64 * *c as f64
                };
                // BLAS quick return: alpha == 0 (or k == 0) means A and B are not referenced.
                let ab = if self.alpha == 0.0 {
                    0.0
                } else {
                    (0..self.k)
                        .map(|p| op_a(i, p) as f64 * op_b(p, j) as f64)
                        .sum()
                };
                *c = (self.alpha as f64 * ab + old) as f32;
            }
        }
        c
    }

    fn run(&self, o: &mut Operands, order: Order) {
        let flags = self.trans_a as u32 | (self.trans_b as u32) << 1;
        let ld = |ld: usize| if self.pad == 0 { 0 } else { ld as u32 };
        let ptr = [
            o.a.as_ptr() as usize,
            o.b.as_ptr() as usize,
            o.c.as_mut_ptr() as usize,
        ];
        let dim = [
            self.m as u32,
            self.k as u32,
            self.n as u32,
            flags,
            ld(o.lda),
            ld(o.ldb),
        ];
        let scalar = [self.alpha.into(), self.beta.into()];
        let mut job = job(KernelId::Sgemm, &ptr, &dim, &scalar);
        run(&mut job, order);
    }

    /// Runs the case on small-integer data and requires an exact match.
    fn check(&self, seed: u64, order: Order) {
        let mut rng = Rng::new(seed);
        let mut o = self.operands(&mut rng, &mut |r| r.int(4));
        let want = self.reference(&o);
        self.run(&mut o, order);
        if let Some(i) = (0..want.len()).find(|&i| !same(o.c[i], want[i])) {
            panic!(
                "{self:?} {order:?}: C[{}, {}] = {} want {}",
                i / self.n,
                i % self.n,
                o.c[i],
                want[i]
            );
        }
    }
}

const TRANSPOSES: [(bool, bool); 4] = [(false, false), (true, false), (false, true), (true, true)];

#[test]
fn all_small_shapes_and_transposes() {
    let mut seed = 0;
    for m in 0..=13 {
        for n in 0..=13 {
            for k in 0..=13 {
                for trans in TRANSPOSES {
                    seed += 1;
                    let scalars = [(1.0, 0.0), (-2.0, 1.0), (0.5, -1.5)][seed as usize % 3];
                    let pad = seed as usize % 2 * 3;
                    Case::new((m, n, k), trans, pad, scalars).check(seed, Order::Sequential);
                }
            }
        }
    }
}

#[test]
fn larger_odd_shapes() {
    let sizes = [1, 8, 63, 65, 127, 129, 257];
    let mut seed = 1000;
    for &m in &sizes {
        for &n in &sizes {
            for &k in &[1, 65, 257, 300] {
                for trans in TRANSPOSES {
                    seed += 1;
                    // Skip most of the biggest combinations to keep the test fast; keep every
                    // transpose for a few of them.
                    if m * n * k > 65 * 129 * 257 && seed % 4 != 0 {
                        continue;
                    }
                    let scalars =
                        [(1.0, 0.0), (2.0, 0.5), (-0.25, 0.0), (1.0, 1.0)][seed as usize % 4];
                    let pad = seed as usize % 3;
                    Case::new((m, n, k), trans, pad, scalars).check(seed, Order::Shuffled(seed));
                }
            }
        }
    }
}

#[test]
fn multi_chunk_shapes_on_threads() {
    for (i, &(m, n, k)) in [
        (300, 200, 100),
        (129, 513, 64),
        (1000, 9, 300),
        (64, 64, 600),
    ]
    .iter()
    .enumerate()
    {
        for trans in TRANSPOSES {
            Case::new((m, n, k), trans, i, (1.0, 0.0)).check(i as u64, Order::Threads(4));
            Case::new((m, n, k), trans, i, (-2.0, 0.5)).check(i as u64 + 10, Order::Threads(3));
        }
    }
}

#[test]
fn k_zero_or_alpha_zero_scales_c() {
    for &(m, n) in &[(1, 1), (5, 7), (64, 300)] {
        for (k, alpha) in [(0, 1.0), (0, f32::NAN), (9, 0.0)] {
            for beta in [0.0, 2.0, -0.5] {
                let case = Case::new((m, n, k), (false, true), 0, (alpha, beta));
                let mut rng = Rng::new(5);
                // NaN in A and B must not leak when they are not to be referenced.
                let mut o = case.operands(&mut rng, &mut |r| {
                    if r.below(3) == 0 {
                        f32::NAN
                    } else {
                        r.int(3)
                    }
                });
                let want: Vec<f32> =
                    o.c.iter()
                        .map(|&c| if beta == 0.0 { 0.0 } else { beta * c })
                        .collect();
                case.run(&mut o, Order::Sequential);
                assert!(o.c.iter().zip(&want).all(|(&g, &w)| same(g, w)), "{case:?}");
            }
        }
    }
}

#[test]
fn nan_in_inputs_propagates() {
    let case = Case::new((70, 40, 50), (false, false), 0, (1.0, 1.0));
    let mut rng = Rng::new(6);
    let mut o = case.operands(&mut rng, &mut |r| r.int(3));
    o.a[3 * 50 + 7] = f32::NAN; // row 3 of A
    o.b[11 * 40 + 39] = f32::INFINITY; // column 39 of B
    o.c[69 * 40] = f32::NAN; // C[69, 0], kept since beta != 0
    let want = case.reference(&o);
    case.run(&mut o, Order::Sequential);
    assert!(o.c.iter().zip(&want).all(|(&g, &w)| same(g, w)));
    assert!((0..40).all(|j| o.c[3 * 40 + j].is_nan()) && o.c[69 * 40].is_nan());
}

/// Non-integer data: a different blocking or chunk order would change the rounding.
#[test]
fn results_are_bit_identical_in_any_chunk_order() {
    for (m, n, k) in [(300, 257, 300), (513, 64, 129)] {
        for trans in TRANSPOSES {
            let case = Case::new((m, n, k), trans, 1, (0.7, 0.3));
            let mut rng = Rng::new(7);
            let o = case.operands(&mut rng, &mut |r| r.f32());
            let run = |order| {
                let mut o = Operands {
                    a: o.a.clone(),
                    lda: o.lda,
                    b: o.b.clone(),
                    ldb: o.ldb,
                    c: o.c.clone(),
                };
                case.run(&mut o, order);
                bits(&o.c)
            };
            let base = run(Order::Sequential);
            // Planned for 1 and 16 threads too: other tile sizes, same bits.
            for order in ORDERS
                .into_iter()
                .chain([Order::Threads(1), Order::Threads(16)])
            {
                assert!(run(order) == base, "{case:?} {order:?}");
            }
        }
    }
}

#[test]
fn plan_depends_on_shape_and_threads_only_and_tiny_is_one_chunk() {
    let plan = |m: u32, n: u32, k: u32, threads: u32| {
        let mut job = job(KernelId::Sgemm, &[], &[m, k, n], &[1.0, 0.0]);
        job.threads = threads;
        let job = planned(job);
        assert_eq!(job.scratch_bytes, 0);
        job.n_chunks
    };
    for threads in [1, 4] {
        assert_eq!(plan(0, 10, 10, threads), 0);
        assert_eq!(plan(10, 0, 10, threads), 0);
        assert_eq!(plan(1, 1, 0, threads), 1);
        assert_eq!(plan(16, 16, 16, threads), 1);
        assert_eq!(plan(64, 64, 64, threads), 1);
    }
    // One thread: as few tiles as the per-chunk limit allows; four: slack for each thread.
    assert_eq!(plan(512, 512, 512, 1), 1);
    assert!(plan(512, 512, 512, 4) >= 16);
    assert!(plan(1024, 1024, 1024, 1) > 1);
}
