//! Sum, Dot, Min, Max through plan/chunk/finish against f64 references.

mod common;

use common::*;
use weft_kernels::abi::KernelId;

const OPS: [KernelId; 4] = [KernelId::Sum, KernelId::Dot, KernelId::Min, KernelId::Max];

fn reduce(op: KernelId, x: &[f32], y: &[f32], order: Order) -> f64 {
    let ptr = [x.as_ptr() as usize, y.as_ptr() as usize];
    let mut job = job(op, &ptr, &[x.len() as u32], &[]);
    run(&mut job, order)
}

/// f64 reference, and the error it allows: 64 terms per f32 lane before folding into f64
/// gives |error| <= ~64·eps_f32·Σ|term|; allow 2× that.
fn reference(op: KernelId, x: &[f32], y: &[f32]) -> (f64, f64) {
    let terms = || {
        x.iter().zip(y).map(|(&x, &y)| {
            if op == KernelId::Dot {
                x as f64 * y as f64
            } else {
                x as f64
            }
        })
    };
    let tolerance = 128.0 * f32::EPSILON as f64 * terms().map(f64::abs).sum::<f64>();
    let nan = |v: f64| {
        if terms().any(f64::is_nan) {
            f64::NAN
        } else {
            v
        }
    };
    match op {
        KernelId::Sum | KernelId::Dot => (terms().sum(), tolerance),
        KernelId::Min => (nan(terms().fold(f64::INFINITY, f64::min)), 0.0),
        KernelId::Max => (nan(terms().fold(f64::NEG_INFINITY, f64::max)), 0.0),
        _ => unreachable!(),
    }
}

fn check(op: KernelId, x: &[f32], y: &[f32], order: Order) -> f64 {
    let got = reduce(op, x, y, order);
    let (want, tol) = reference(op, x, y);
    let ok = if want.is_nan() {
        got.is_nan()
    } else {
        got == want || (got - want).abs() <= tol
    };
    assert!(
        ok,
        "{op:?} n={} {order:?}: got {got} want {want} (tolerance {tol})",
        x.len()
    );
    got
}

fn sizes() -> Vec<usize> {
    let c = chunk_len(KernelId::Sum);
    // And either side of the 1024-element f32 block.
    edge_sizes(c, &[1023, 1024, 1025, 5000, 3 * c + 17])
}

#[test]
fn matches_reference_at_edge_sizes() {
    for (x, y) in random_pairs(10, sizes()) {
        for op in OPS {
            check(op, &x, &y, Order::Sequential);
        }
    }
}

#[test]
fn sums_of_same_sign_values_stay_accurate() {
    // Adding many positive values is where a single f32 accumulator drifts (by ~n·eps).
    let n = 3_000_000;
    let x: Vec<f32> = (0..n).map(|i| 1.0 + (i % 7) as f32 * 0.1).collect();
    let got = check(KernelId::Sum, &x, &x, Order::Sequential);
    let want: f64 = x.iter().map(|&v| v as f64).sum();
    assert!(
        (got - want).abs() / want < 1e-6,
        "relative error {}",
        (got - want).abs() / want
    );
}

/// `reduce(op, x, x)` sequentially equals `want` for each `(op, want)` (NaN matches NaN).
fn expect(x: &[f32], wants: &[(KernelId, f64)]) {
    for &(op, want) in wants {
        let got = reduce(op, x, x, Order::Sequential);
        assert!(
            got == want || (got.is_nan() && want.is_nan()),
            "{op:?} n={}: got {got} want {want}",
            x.len()
        );
    }
}

#[test]
fn empty_input_gives_identities() {
    use KernelId::*;
    expect(
        &[],
        &[
            (Sum, 0.0),
            (Dot, 0.0),
            (Min, f64::INFINITY),
            (Max, f64::NEG_INFINITY),
        ],
    );
}

#[test]
fn scratch_is_one_f64_per_chunk() {
    let c = chunk_len(KernelId::Sum);
    for (n, chunks) in [(0, 0), (1, 1), (c, 1), (c + 1, 2)] {
        for op in OPS {
            let job = planned(job(op, &[0, 0], &[n as u32], &[]));
            assert_eq!((job.n_chunks, job.scratch_bytes), (chunks, 8 * chunks));
        }
    }
}

#[test]
fn nan_anywhere_gives_nan() {
    let c = chunk_len(KernelId::Sum);
    let n = 2 * c + 13;
    let mut rng = Rng::new(11);
    // First element, a vector tail, block and chunk boundaries, the last element.
    for at in [0, 1, 6, 1023, 1024, c - 1, c, n - 10, n - 1] {
        let (mut x, y) = (rng.vec(n), rng.vec(n));
        x[at] = f32::NAN;
        for op in OPS {
            assert!(
                check(op, &x, &y, Order::Threads(3)).is_nan(),
                "{op:?}: NaN at {at} lost"
            );
        }
    }
    for n in [1, 2, 3, 5, 17] {
        let x = vec![f32::NAN; n];
        for op in OPS {
            assert!(
                reduce(op, &x, &x, Order::Sequential).is_nan(),
                "{op:?} n={n}"
            );
        }
    }
}

#[test]
fn infinities() {
    use KernelId::*;
    let inf = f64::INFINITY;
    let mut x = vec![1.0f32; 100];
    x[37] = f32::INFINITY;
    expect(&x, &[(Sum, inf), (Max, inf), (Min, 1.0)]);
    x[90] = f32::NEG_INFINITY;
    expect(&x, &[(Sum, f64::NAN), (Min, -inf), (Dot, inf)]);
    // Extremes that are exact in f32 are exact in the result.
    let x = [3.0, -f32::MAX, 7.5, f32::MAX, -2.0];
    expect(&x, &[(Min, -f32::MAX as f64), (Max, f32::MAX as f64)]);
}

#[test]
fn min_max_of_signed_zeros() {
    expect(
        &[0.0, -0.0, 0.0],
        &[(KernelId::Min, 0.0), (KernelId::Max, 0.0)],
    );
}

#[test]
fn results_are_bit_identical_in_any_chunk_order() {
    let n = 5 * chunk_len(KernelId::Sum) + 333;
    let mut rng = Rng::new(12);
    let (x, y) = (rng.vec(n), rng.vec(n));
    for op in OPS {
        let base = reduce(op, &x, &y, Order::Sequential).to_bits();
        for order in ORDERS {
            assert_eq!(
                reduce(op, &x, &y, order).to_bits(),
                base,
                "{op:?} {order:?}"
            );
        }
    }
}
