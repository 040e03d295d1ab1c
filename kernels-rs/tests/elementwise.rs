//! Add, Mul, Axpy, Scale through plan/chunk/finish against scalar references.

mod common;

use common::*;
use weft_kernels::abi::KernelId;

const OPS: [KernelId; 4] = [
    KernelId::Add,
    KernelId::Mul,
    KernelId::Axpy,
    KernelId::Scale,
];
const ALPHA: f32 = -1.75;

fn reference(op: KernelId, x: f32, y: f32) -> f32 {
    match op {
        KernelId::Add => x + y,
        KernelId::Mul => x * y,
        KernelId::Axpy => ALPHA * x + y,
        KernelId::Scale => ALPHA * x,
        _ => unreachable!(),
    }
}

fn run_plan(op: KernelId, n: usize) -> u32 {
    planned(job(op, &[0, 0, 0], &[n as u32], &[ALPHA.into()])).n_chunks
}

/// Which buffer the output is written to.
#[derive(Clone, Copy, Debug)]
enum Out {
    Separate,
    IntoX,
    IntoY,
}

/// Runs `op` over x, y and checks every output element and that nothing past `n` is written.
fn check(op: KernelId, x: &[f32], y: &[f32], out: Out, order: Order) {
    let n = x.len();
    let expect: Vec<f32> = x
        .iter()
        .zip(y)
        .map(|(&x, &y)| reference(op, x, y))
        .collect();
    // One guard element past the end of every buffer catches overruns.
    let guard = 12345.0;
    let mut bufs = [x.to_vec(), y.to_vec(), vec![f32::NAN; n]];
    bufs.iter_mut().for_each(|b| b.push(guard));
    let [px, py, po] = [0, 1, 2].map(|i| bufs[i].as_mut_ptr() as usize);
    let po = match out {
        Out::Separate => po,
        Out::IntoX => px,
        Out::IntoY => py,
    };
    let ptr = if op == KernelId::Scale {
        vec![px, po]
    } else {
        vec![px, py, po]
    };
    let mut job = job(op, &ptr, &[n as u32], &[ALPHA.into()]);
    run(&mut job, order);
    let got = match out {
        Out::Separate => &bufs[2],
        Out::IntoX => &bufs[0],
        Out::IntoY => &bufs[1],
    };
    for i in 0..n {
        assert!(
            same(got[i], expect[i]),
            "{op:?} n={n} {out:?} {order:?}: [{i}] = {} want {}",
            got[i],
            expect[i]
        );
    }
    assert!(
        bufs.iter().all(|b| b[n] == guard),
        "{op:?} n={n}: wrote past the end"
    );
}

fn sizes() -> Vec<usize> {
    let c = chunk_len(KernelId::Add);
    edge_sizes(c, &[1000, 2 * c - 1, 3 * c + 5])
}

#[test]
fn matches_reference_at_edge_sizes() {
    for (x, y) in random_pairs(1, sizes()) {
        for op in OPS {
            check(op, &x, &y, Out::Separate, Order::Sequential);
        }
    }
}

#[test]
fn output_may_alias_an_input() {
    for (x, y) in random_pairs(2, sizes()) {
        for op in OPS {
            check(op, &x, &y, Out::IntoX, Order::Shuffled(3));
            if op != KernelId::Scale {
                check(op, &x, &y, Out::IntoY, Order::Threads(3));
            }
        }
    }
}

#[test]
fn nan_and_infinity_propagate() {
    let specials = [
        f32::NAN,
        f32::INFINITY,
        f32::NEG_INFINITY,
        -0.0,
        0.0,
        f32::MAX,
        f32::MIN_POSITIVE,
    ];
    let n = 2 * chunk_len(KernelId::Add) + 7;
    let mut rng = Rng::new(3);
    let (mut x, mut y) = (rng.vec(n), rng.vec(n));
    for i in (0..n).step_by(5) {
        x[i] = specials[rng.below(specials.len())];
        y[n - 1 - i] = specials[rng.below(specials.len())];
    }
    for op in OPS {
        for order in ORDERS {
            check(op, &x, &y, Out::Separate, order);
        }
    }
}

#[test]
fn chunking_depends_only_on_size() {
    let c = chunk_len(KernelId::Add);
    for op in OPS {
        assert_eq!(chunk_len(op), c);
        assert_eq!(run_plan(op, 0), 0);
        assert_eq!(run_plan(op, 1), 1);
        assert_eq!(run_plan(op, c), 1, "up to one chunk runs on the caller");
        assert_eq!(run_plan(op, c + 1), 2);
        assert_eq!(run_plan(op, 10 * c), 10);
    }
}
