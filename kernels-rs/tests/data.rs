//! The DATA family (sort, argsort, prefix sum, histogram, transpose, softmax) and batched sgemm
//! through plan/chunk/finish — every phase, in every chunk order and on 4 real threads —
//! against plain scalar references.

mod common;

use common::*;
use weft_kernels::abi::KernelId;
use weft_kernels::data::DataKernel;

/// Elements per chunk of sort / scan / histogram (the kernels' CHUNK).
const CHUNK: usize = 1 << 16;

/// Sizes around the SIMD width and the chunk boundaries. The tests run the `s`-th size in
/// `ORDERS[s % 4]`; in this order the multi-chunk sizes run on threads, sequentially and
/// reversed.
fn sizes() -> Vec<usize> {
    edge_sizes(CHUNK, &[3 * CHUNK + 7, 200_003, 100, 1023])
}

// ---- sort / argsort ---------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq)]
enum Ty {
    F32,
    I32,
    U32,
}

impl Ty {
    fn code(self) -> u32 {
        self as u32
    }

    /// TypedArray.prototype.sort's comparison, on bits: NaN last, -0 before +0.
    fn cmp(self, a: u32, b: u32) -> std::cmp::Ordering {
        match self {
            Ty::U32 => a.cmp(&b),
            Ty::I32 => (a as i32).cmp(&(b as i32)),
            Ty::F32 => {
                let (x, y) = (f32::from_bits(a), f32::from_bits(b));
                match (x.is_nan(), y.is_nan()) {
                    (true, true) => std::cmp::Ordering::Equal,
                    (true, false) => std::cmp::Ordering::Greater,
                    (false, true) => std::cmp::Ordering::Less,
                    _ => x
                        .partial_cmp(&y)
                        .unwrap()
                        .then((!x.is_sign_negative()).cmp(&!y.is_sign_negative())),
                }
            }
        }
    }
}

/// Random data of a kind, as bits.
fn sort_data(ty: Ty, kind: &str, n: usize, seed: u64) -> Vec<u32> {
    let mut r = Rng::new(seed);
    let specials: [u32; 12] = [
        0x7fc0_0000,
        0xffc0_0000,
        0x7f80_0001,
        0xffff_ffff,
        f32::INFINITY.to_bits(),
        f32::NEG_INFINITY.to_bits(),
        0,
        0x8000_0000,
        1,
        0x8000_0001,
        f32::MAX.to_bits(),
        f32::MIN.to_bits(),
    ];
    let mut v: Vec<u32> = (0..n)
        .map(|i| match kind {
            "random" => match ty {
                Ty::F32 => r.f32().to_bits(),
                _ => r.next_u64() as u32,
            },
            "special" => {
                if r.below(3) == 0 {
                    specials[r.below(specials.len())]
                } else {
                    match ty {
                        Ty::F32 => (r.f32() * 1e3).to_bits(),
                        _ => r.next_u64() as u32,
                    }
                }
            }
            "dups" => match ty {
                Ty::F32 => (r.int(5)).to_bits(),
                _ => (r.below(7) as i32 - 3) as u32,
            },
            "equal" => 0x4040_0000,
            "ascending" | "descending" => match ty {
                Ty::F32 => (i as f32 - n as f32 / 2.0).to_bits(),
                Ty::I32 => (i as i32 - (n / 2) as i32) as u32,
                Ty::U32 => i as u32 * 3,
            },
            // One, two and three active radix passes (u32 / i32 of small range).
            "byte" => r.below(256) as u32,
            "short" => r.below(65536) as u32,
            "24bit" => r.below(1 << 24) as u32,
            _ => unreachable!(),
        })
        .collect();
    if kind == "descending" {
        v.reverse();
    }
    v
}

fn run_sort(ty: Ty, x: &[u32], argsort: bool, order: Order) -> Vec<u32> {
    let mut out = vec![0xdead_beefu32; x.len()];
    let kernel = if argsort {
        DataKernel::Argsort
    } else {
        DataKernel::Sort
    };
    let mut job = job(
        kernel,
        &[x.as_ptr() as usize, out.as_mut_ptr() as usize],
        &[x.len() as u32, ty.code()],
        &[],
    );
    run(&mut job, order);
    out
}

fn run_sort_in_place(ty: Ty, x: &mut [u32], order: Order) {
    let p = x.as_mut_ptr() as usize;
    let mut job = job(DataKernel::Sort, &[p, p], &[x.len() as u32, ty.code()], &[]);
    run(&mut job, order);
}

fn check_sort(ty: Ty, x: &[u32], got: &[u32], what: &str) {
    let mut want = x.to_vec();
    want.sort_by(|&a, &b| ty.cmp(a, b));
    for i in 0..x.len() {
        let w = want[i];
        let ok = if ty == Ty::F32 && f32::from_bits(w).is_nan() {
            got[i] == 0x7fc0_0000 // canonical NaN
        } else {
            got[i] == w
        };
        assert!(ok, "{what}: [{i}] = {:#x}, want {w:#x}", got[i]);
    }
}

fn check_argsort(ty: Ty, x: &[u32], got: &[u32], what: &str) {
    let mut want: Vec<u32> = (0..x.len() as u32).collect();
    want.sort_by(|&a, &b| ty.cmp(x[a as usize], x[b as usize])); // stable
    if let Some(i) = (0..x.len()).find(|&i| got[i] != want[i]) {
        panic!("{what}: [{i}] = {}, want {}", got[i], want[i]);
    }
}

const KINDS: [&str; 9] = [
    "random",
    "special",
    "dups",
    "equal",
    "ascending",
    "descending",
    "byte",
    "short",
    "24bit",
];

#[test]
fn sort_and_argsort_all_sizes_and_kinds() {
    for ty in [Ty::F32, Ty::I32, Ty::U32] {
        for (s, n) in sizes().into_iter().enumerate() {
            for kind in KINDS {
                if ty == Ty::F32 && ["byte", "short", "24bit"].contains(&kind) {
                    continue;
                }
                let x = sort_data(ty, kind, n, (s * 31 + kind.len()) as u64);
                let order = ORDERS[s % ORDERS.len()];
                let what = format!("{ty:?} {kind} n={n} {order:?}");
                check_sort(
                    ty,
                    &x,
                    &run_sort(ty, &x, false, order),
                    &format!("sort {what}"),
                );
                check_argsort(
                    ty,
                    &x,
                    &run_sort(ty, &x, true, order),
                    &format!("argsort {what}"),
                );
            }
        }
    }
}

#[test]
fn sort_multi_chunk_in_every_order() {
    for ty in [Ty::F32, Ty::I32] {
        for kind in ["random", "special", "dups", "short"] {
            let n = 5 * CHUNK + 123;
            let x = sort_data(ty, kind, n, 99);
            let first = run_sort(ty, &x, false, Order::Sequential);
            check_sort(ty, &x, &first, &format!("{ty:?} {kind}"));
            let first_idx = run_sort(ty, &x, true, Order::Sequential);
            check_argsort(ty, &x, &first_idx, &format!("{ty:?} {kind}"));
            for order in ORDERS {
                assert!(
                    run_sort(ty, &x, false, order) == first,
                    "sort {ty:?} {kind} {order:?}"
                );
                assert!(
                    run_sort(ty, &x, true, order) == first_idx,
                    "argsort {ty:?} {kind} {order:?}"
                );
            }
        }
    }
}

/// Many chunks (33), every key type, argsort and in place.
#[test]
fn sort_many_chunks() {
    let n = 33 * CHUNK + 5;
    for (ty, kind) in [(Ty::F32, "random"), (Ty::I32, "dups"), (Ty::U32, "24bit")] {
        let x = sort_data(ty, kind, n, 77);
        let first = run_sort(ty, &x, false, Order::Threads(4));
        check_sort(ty, &x, &first, &format!("{ty:?} {kind} n={n}"));
        assert!(run_sort(ty, &x, false, Order::Shuffled(3)) == first);
        check_argsort(
            ty,
            &x,
            &run_sort(ty, &x, true, Order::Threads(3)),
            &format!("argsort {ty:?} {kind} n={n}"),
        );
    }
    let x = sort_data(Ty::F32, "special", n, 78);
    let mut y = x.clone();
    run_sort_in_place(Ty::F32, &mut y, Order::Reversed);
    check_sort(Ty::F32, &x, &y, "in place, many chunks");
}

#[test]
fn sort_in_place_with_any_number_of_passes() {
    // 0 ("equal"), 1 ("byte"), 2 ("short"), 3 ("24bit") and 4 ("random") active passes, each
    // on one chunk and on several (an odd count must not write over its own input).
    for n in [1000, 4 * CHUNK + 5] {
        for kind in ["equal", "byte", "short", "24bit", "random", "special"] {
            for ty in [Ty::U32, Ty::F32] {
                let x = sort_data(ty, kind, n, 5);
                let mut y = x.clone();
                run_sort_in_place(ty, &mut y, Order::Threads(4));
                check_sort(ty, &x, &y, &format!("in place {ty:?} {kind} n={n}"));
            }
        }
    }
}

#[test]
fn sort_negative_zero_and_nan_order() {
    let x: Vec<u32> = [0.0f32, -0.0, f32::NAN, -1.0, f32::NEG_INFINITY, -0.0, 0.0]
        .iter()
        .map(|v| v.to_bits())
        .chain([0xffc0_0001])
        .collect();
    let got = run_sort(Ty::F32, &x, false, Order::Sequential);
    let want = [
        f32::NEG_INFINITY.to_bits(),
        (-1.0f32).to_bits(),
        0x8000_0000,
        0x8000_0000,
        0,
        0,
        0x7fc0_0000,
        0x7fc0_0000,
    ];
    assert_eq!(got, want);
    assert_eq!(
        run_sort(Ty::F32, &x, true, Order::Sequential),
        [4, 3, 1, 5, 0, 6, 2, 7]
    );
}

// ---- prefix sum -------------------------------------------------------------------------------

fn run_scan(x: &[f32], exclusive: bool, order: Order) -> Vec<f32> {
    let mut out = vec![f32::NAN; x.len()];
    let mut job = job(
        DataKernel::PrefixSum,
        &[x.as_ptr() as usize, out.as_mut_ptr() as usize],
        &[x.len() as u32, exclusive as u32],
        &[],
    );
    run(&mut job, order);
    out
}

/// f64 reference and the documented bound 2^-24·(A + |exact|) + 64·2^-24·W.
fn check_scan(x: &[f32], exclusive: bool, got: &[f32], what: &str) {
    let eps = f32::EPSILON as f64 / 2.0;
    let (mut s, mut abs) = (0.0f64, 0.0f64);
    let mut window = 0.0f64;
    for i in 0..x.len() {
        if i % 64 == 0 {
            window = 0.0;
        }
        let before = (s, abs, window);
        s += x[i] as f64;
        abs += (x[i] as f64).abs();
        window += (x[i] as f64).abs();
        // Exclusive: the terms before i only.
        let (want, abs, window) = if exclusive { before } else { (s, abs, window) };
        let g = got[i] as f64;
        let ok = if want.is_nan() || want.is_infinite() {
            g.is_nan() == want.is_nan() && (want.is_nan() || g == want)
        } else {
            (g - want).abs() <= eps * (abs + want.abs()) + 64.0 * eps * window + 1e-38
        };
        assert!(ok, "{what}: [{i}] = {g}, want {want}");
    }
}

#[test]
fn prefix_sum_matches_f64_reference() {
    for (s, n) in sizes().into_iter().enumerate() {
        let order = ORDERS[s % ORDERS.len()];
        let mut r = Rng::new(s as u64);
        let x = r.vec(n);
        for exclusive in [false, true] {
            check_scan(
                &x,
                exclusive,
                &run_scan(&x, exclusive, order),
                &format!("n={n} excl={exclusive} {order:?}"),
            );
        }
        // Positive data (large sums: the f64 offsets matter) and integers (exact).
        let pos: Vec<f32> = x.iter().map(|v| v.abs() * 100.0).collect();
        check_scan(
            &pos,
            false,
            &run_scan(&pos, false, order),
            &format!("positive n={n}"),
        );
        let ints: Vec<f32> = (0..n).map(|_| r.int(9)).collect();
        let got = run_scan(&ints, true, order);
        let mut acc = 0.0f32;
        for i in 0..n {
            assert_eq!(got[i], acc, "ints n={n} [{i}]");
            acc += ints[i];
        }
    }
}

#[test]
fn prefix_sum_specials_and_determinism() {
    let n = 3 * CHUNK + 77;
    let mut r = Rng::new(3);
    let x = r.vec(n);
    let base = bits(&run_scan(&x, false, Order::Sequential));
    for order in ORDERS {
        assert!(bits(&run_scan(&x, false, order)) == base, "{order:?}");
    }
    // In place gives the same bits.
    let mut y = x.clone();
    let p = y.as_mut_ptr() as usize;
    let mut job = job(DataKernel::PrefixSum, &[p, p], &[n as u32, 0], &[]);
    run(&mut job, Order::Threads(4));
    assert!(bits(&y) == base);
    for (at, v) in [
        (10usize, f32::NAN),
        (CHUNK + 5, f32::INFINITY),
        (2 * CHUNK + 70, f32::NEG_INFINITY),
    ] {
        let mut z = x.clone();
        z[at] = v;
        for exclusive in [false, true] {
            check_scan(
                &z,
                exclusive,
                &run_scan(&z, exclusive, Order::Threads(4)),
                &format!("special at {at}"),
            );
        }
    }
}

// ---- histogram --------------------------------------------------------------------------------

enum Bins<'a> {
    Range(usize, f64, f64),
    Auto(usize),
    Edges(&'a [f32]),
}

fn run_hist(x: &[f32], bins: &Bins, order: Order) -> Vec<u32> {
    let (nb, mode, scalar, edges) = match *bins {
        Bins::Range(b, lo, hi) => (b, 0, [lo, hi], None),
        Bins::Auto(b) => (b, 1, [0.0, 0.0], None),
        Bins::Edges(e) => (e.len() - 1, 2, [0.0, 0.0], Some(e)),
    };
    let mut out = vec![0xdead_beefu32; nb];
    let mut ptr = vec![x.as_ptr() as usize];
    if let Some(e) = edges {
        ptr.push(e.as_ptr() as usize);
    }
    ptr.push(out.as_mut_ptr() as usize);
    let mut job = job(
        DataKernel::Histogram,
        &ptr,
        &[x.len() as u32, nb as u32, mode],
        &scalar,
    );
    run(&mut job, order);
    out
}

/// numpy semantics by binary search over the f64 edges (an independent formulation).
fn ref_hist(x: &[f32], bins: &Bins) -> Vec<u32> {
    let edges: Vec<f64> = match *bins {
        Bins::Edges(e) => e.iter().map(|&v| v as f64).collect(),
        Bins::Range(b, lo, hi) => linspace(b, lo, hi),
        Bins::Auto(b) => {
            let finite = x.iter().filter(|v| v.is_finite());
            let lo = finite.clone().fold(f64::INFINITY, |a, &v| a.min(v as f64));
            let hi = finite.fold(f64::NEG_INFINITY, |a, &v| a.max(v as f64));
            let (lo, hi) = if lo > hi {
                (0.0, 1.0)
            } else if lo == hi {
                (lo - 0.5, hi + 0.5)
            } else {
                (lo, hi)
            };
            linspace(b, lo, hi)
        }
    };
    let nb = edges.len() - 1;
    let mut c = vec![0u32; nb];
    for &v in x {
        let v = v as f64;
        if !(v >= edges[0] && v <= edges[nb]) {
            continue;
        }
        // Number of edges ≤ v, minus one; the last edge belongs to the last bin.
        let i = edges.partition_point(|&e| e <= v) - 1;
        c[i.min(nb - 1)] += 1;
    }
    c
}

fn linspace(b: usize, lo: f64, hi: f64) -> Vec<f64> {
    let step = (hi - lo) / b as f64;
    (0..=b)
        .map(|i| if i == b { hi } else { i as f64 * step + lo })
        .collect()
}

#[test]
fn histogram_matches_numpy_semantics() {
    let mut r = Rng::new(11);
    for (s, n) in sizes().into_iter().enumerate() {
        let order = ORDERS[s % ORDERS.len()];
        let mut x: Vec<f32> = r.vec(n).iter().map(|v| v * 3.0).collect();
        for i in (0..n).step_by(7) {
            x[i] = [
                f32::NAN,
                f32::INFINITY,
                f32::NEG_INFINITY,
                0.5,
                -3.0,
                3.0,
                1.0,
            ][i % 7];
        }
        let edges = [-2.0f32, -1.0, -1.0, 0.0, 0.25, 0.5, 2.5];
        for bins in [
            Bins::Range(1, -1.0, 1.0),
            Bins::Range(10, -1.0, 1.0),
            Bins::Range(7, -3.0, 3.0),
            Bins::Range(1000, -2.5, 2.9),
            Bins::Range(100_000, -3.0, 3.0),
            Bins::Auto(1),
            Bins::Auto(13),
            Bins::Auto(4096),
            Bins::Edges(&edges),
            Bins::Edges(&[0.0, 1.0]),
        ] {
            let got = run_hist(&x, &bins, order);
            let want = ref_hist(&x, &bins);
            if let Some(i) = (0..want.len()).find(|&i| got[i] != want[i]) {
                panic!(
                    "n={n} {order:?} bin {i} of {}: {} want {}",
                    want.len(),
                    got[i],
                    want[i]
                );
            }
        }
    }
}

#[test]
fn histogram_edge_cases() {
    // All equal: the automatic range widens to [v - 0.5, v + 0.5].
    let x = vec![2.0f32; 3 * CHUNK];
    let got = run_hist(&x, &Bins::Auto(3), Order::Threads(4));
    assert_eq!(got, [0, 3 * CHUNK as u32, 0]);
    // No finite value: range [0, 1], nothing counted.
    let x = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY];
    assert_eq!(
        run_hist(&x, &Bins::Auto(4), Order::Sequential),
        [0, 0, 0, 0]
    );
    // Empty input: zeros (the output is written even without chunks).
    assert_eq!(
        run_hist(&[], &Bins::Range(5, 0.0, 1.0), Order::Sequential),
        [0; 5]
    );
    assert_eq!(run_hist(&[], &Bins::Auto(2), Order::Sequential), [0; 2]);
    // Values exactly on every edge of a uniform range land in the bin to their right.
    let b = 64;
    let e = linspace(b, -1.0, 1.0);
    let x: Vec<f32> = e.iter().map(|&v| v as f32).collect();
    assert_eq!(
        run_hist(&x, &Bins::Range(b, -1.0, 1.0), Order::Sequential),
        ref_hist(&x, &Bins::Range(b, -1.0, 1.0))
    );
    // Many bins with many chunks: partials combined over bin ranges.
    let mut r = Rng::new(12);
    let x: Vec<f32> = r.vec(9 * CHUNK + 1);
    let bins = Bins::Range(50_000, -1.0, 1.0);
    assert_eq!(run_hist(&x, &bins, Order::Threads(4)), ref_hist(&x, &bins));
}

// ---- transpose --------------------------------------------------------------------------------

#[test]
fn transpose_all_shapes() {
    let shapes = [
        (0, 5),
        (5, 0),
        (1, 1),
        (1, 7),
        (7, 1),
        (3, 5),
        (4, 4),
        (8, 12),
        (7, 9),
        (33, 65),
        (257, 300),
        (1, 100_000),
        (100_000, 1),
        (3, 70_001),
        (70_001, 3),
        (600, 700),
    ];
    for (s, &(rows, cols)) in shapes.iter().enumerate() {
        let x: Vec<f32> = (0..rows * cols).map(|i| i as f32).collect();
        let mut out = vec![f32::NAN; rows * cols];
        let mut job = job(
            DataKernel::Transpose,
            &[x.as_ptr() as usize, out.as_mut_ptr() as usize],
            &[rows as u32, cols as u32],
            &[],
        );
        run(&mut job, ORDERS[s % ORDERS.len()]);
        for i in 0..rows {
            for j in 0..cols {
                assert_eq!(
                    out[j * rows + i],
                    x[i * cols + j],
                    "{rows}x{cols} at ({i}, {j})"
                );
            }
        }
    }
}

// ---- softmax ----------------------------------------------------------------------------------

fn run_softmax(x: &[f32], rows: usize, cols: usize, order: Order) -> Vec<f32> {
    let mut out = vec![-7.0f32; x.len()];
    let mut job = job(
        DataKernel::Softmax,
        &[x.as_ptr() as usize, out.as_mut_ptr() as usize],
        &[rows as u32, cols as u32],
        &[],
    );
    run(&mut job, order);
    out
}

/// The documented semantics in f64, and the tolerance.
fn check_softmax(x: &[f32], rows: usize, cols: usize, got: &[f32], what: &str) {
    for r in 0..rows {
        let row = &x[r * cols..(r + 1) * cols];
        let m = row.iter().fold(f64::NEG_INFINITY, |m, &v| {
            if v.is_nan() || m.is_nan() {
                f64::NAN
            } else {
                m.max(v as f64)
            }
        });
        let want: Vec<f64> = if m.is_nan() {
            vec![f64::NAN; cols]
        } else if m.is_infinite() {
            let count = row.iter().filter(|&&v| v as f64 == m).count() as f64;
            row.iter()
                .map(|&v| if v as f64 == m { 1.0 / count } else { 0.0 })
                .collect()
        } else {
            let e: Vec<f64> = row.iter().map(|&v| (v as f64 - m).exp()).collect();
            let s: f64 = e.iter().sum();
            e.iter().map(|v| v / s).collect()
        };
        for j in 0..cols {
            let (g, w) = (got[r * cols + j] as f64, want[j]);
            let d = (row[j] as f64 - m).abs();
            let d = if d.is_finite() { d } else { 0.0 };
            let tol = (2e-6 + d * 1.2e-7) * w + 1e-37;
            let ok = if w.is_nan() {
                g.is_nan()
            } else {
                g == w || (g - w).abs() <= tol
            };
            assert!(ok, "{what}: [{r}, {j}] = {g}, want {w}");
        }
    }
}

#[test]
fn softmax_shapes_and_specials() {
    let shapes = [
        (0, 0),
        (0, 4),
        (4, 0),
        (1, 1),
        (1, 2),
        (3, 3),
        (5, 4),
        (7, 17),
        (2, 1000),
        (100, 33),
        (1000, 129),
        (1, 70_000),
        (40_000, 1),
    ];
    let mut r = Rng::new(21);
    for (s, &(rows, cols)) in shapes.iter().enumerate() {
        let x: Vec<f32> = r.vec(rows * cols).iter().map(|v| v * 20.0).collect();
        let order = ORDERS[s % ORDERS.len()];
        check_softmax(
            &x,
            rows,
            cols,
            &run_softmax(&x, rows, cols, order),
            &format!("{rows}x{cols}"),
        );
    }
    let (i, n) = (f32::INFINITY, f32::NAN);
    let rows: [&[f32]; 8] = [
        &[1.0, n, 2.0, 3.0, 4.0],
        &[1.0, i, 2.0, i, -i],
        &[-i, -i, -i, -i, -i],
        &[-i, 0.0, -i, 1.0, -i],
        &[3e38, -3e38, 0.0, 3e38, 1.0],
        &[-100.0, -90.0, -95.0, -200.0, -87.0],
        &[0.0, -0.0, 0.0, -0.0, 0.0],
        &[i, i, i, i, i],
    ];
    let x: Vec<f32> = rows.concat();
    let got = run_softmax(&x, rows.len(), 5, Order::Sequential);
    check_softmax(&x, rows.len(), 5, &got, "special rows");
    assert!(got[..5].iter().all(|v| v.is_nan()));
    assert_eq!(&got[5..10], &[0.0, 0.5, 0.0, 0.5, 0.0]);
    assert_eq!(&got[10..15], &[0.2; 5]);
    assert_eq!(&got[35..40], &[0.2; 5]);
    // In place, and the same bits in every order.
    let x: Vec<f32> = r.vec(300 * 250);
    let base = bits(&run_softmax(&x, 300, 250, Order::Sequential));
    for order in ORDERS {
        assert!(bits(&run_softmax(&x, 300, 250, order)) == base);
    }
    let mut y = x.clone();
    let p = y.as_mut_ptr() as usize;
    let mut job = job(DataKernel::Softmax, &[p, p], &[300, 250], &[]);
    run(&mut job, Order::Threads(4));
    assert!(bits(&y) == base);
}

// ---- batched sgemm ----------------------------------------------------------------------------

const BATCHED: u32 = 4;

/// op(A_i)·op(B_i)·alpha + beta·C_i for each i, small-integer data: exact.
#[test]
fn batched_sgemm_matches_each_product() {
    let cases = [
        (0usize, 3usize, 4usize, 5usize),
        (1, 3, 4, 5),
        (5, 1, 1, 1),
        (7, 13, 9, 11),
        (3, 0, 4, 5),
        (4, 5, 0, 3),
        (300, 8, 8, 8),
        (3, 130, 70, 200),
        (2, 300, 257, 129),
    ];
    let mut seed = 0;
    for &(batch, m, k, n) in &cases {
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            seed += 1;
            let (alpha, beta) = [(1.0f32, 0.0f32), (2.0, 0.5), (-1.0, 1.0)][seed % 3];
            let mut r = Rng::new(seed as u64);
            let a: Vec<f32> = (0..batch * m * k).map(|_| r.int(4)).collect();
            let b: Vec<f32> = (0..batch * k * n).map(|_| r.int(4)).collect();
            let c0: Vec<f32> = if beta == 0.0 {
                vec![f32::NAN; batch * m * n]
            } else {
                (0..batch * m * n).map(|_| r.int(4)).collect()
            };
            let mut want = vec![0.0f32; batch * m * n];
            for t in 0..batch {
                let (a, b) = (&a[t * m * k..], &b[t * k * n..]);
                for i in 0..m {
                    for j in 0..n {
                        let mut s = 0.0f64;
                        for p in 0..k {
                            let av = if ta { a[p * m + i] } else { a[i * k + p] };
                            let bv = if tb { b[j * k + p] } else { b[p * n + j] };
                            s += av as f64 * bv as f64;
                        }
                        let old = if beta == 0.0 {
                            0.0
                        } else {
                            beta as f64 * c0[t * m * n + i * n + j] as f64
                        };
                        want[t * m * n + i * n + j] = (alpha as f64 * s + old) as f32;
                    }
                }
            }
            for order in [
                Order::Sequential,
                Order::Shuffled(seed as u64),
                Order::Threads(4),
            ] {
                let mut c = c0.clone();
                let flags = ta as u32 | (tb as u32) << 1 | BATCHED;
                let mut job = job(
                    KernelId::Sgemm,
                    &[
                        a.as_ptr() as usize,
                        b.as_ptr() as usize,
                        c.as_mut_ptr() as usize,
                    ],
                    &[m as u32, k as u32, n as u32, flags, 0, 0, batch as u32],
                    &[alpha.into(), beta.into()],
                );
                run(&mut job, order);
                if let Some(i) = (0..want.len()).find(|&i| !same(c[i], want[i])) {
                    panic!(
                        "batch {batch} {m}x{k}x{n} t=({ta},{tb}) {order:?}: [{i}] = {} want {}",
                        c[i], want[i]
                    );
                }
            }
        }
    }
}

#[test]
fn batched_plan_groups_small_products() {
    let plan = |batch: u32, m: u32, k: u32, n: u32| {
        let dim = [m, k, n, BATCHED, 0, 0, batch];
        planned(job(KernelId::Sgemm, &[], &dim, &[1.0, 0.0])).n_chunks
    };
    assert_eq!(plan(0, 8, 8, 8), 0);
    assert_eq!(plan(1, 8, 8, 8), 1);
    assert_eq!(plan(1000, 8, 8, 8), 2); // 512 products of 512 MACs per chunk
    assert_eq!(plan(3, 512, 512, 512), 3 * plan(1, 512, 512, 512));
    // Unbatched calls (flag clear) ignore dim[6].
    let dim = [512, 512, 512, 0, 0, 0, 7];
    let job = planned(job(KernelId::Sgemm, &[], &dim, &[1.0, 0.0]));
    assert_eq!(job.n_chunks, plan(1, 512, 512, 512));
}

/// Rough native timings, 1 and 2 threads (`cargo test --release --test data -- --ignored --nocapture`).
#[test]
#[ignore]
fn timings() {
    let n: usize = std::env::var("WEFT_N").map_or(1 << 22, |v| v.parse().unwrap());
    let mut r = Rng::new(1);
    let x = r.vec(n);
    let xb: Vec<u32> = x.iter().map(|v| v.to_bits()).collect();
    let only = std::env::var("WEFT_ONLY").ok();
    let time = |name: &str, f: &mut dyn FnMut(Order)| {
        if only.as_deref().is_some_and(|o| o != name) {
            return;
        }
        for order in [Order::Sequential, Order::Threads(2)] {
            f(order);
            // The fastest of several runs: the machine may be shared.
            let best = (0..9)
                .map(|_| {
                    let t = std::time::Instant::now();
                    f(order);
                    t.elapsed().as_secs_f64()
                })
                .fold(f64::INFINITY, f64::min);
            eprintln!("{name} {order:?}: {:.2} ms", best * 1e3);
        }
    };
    time("sort", &mut |o| drop(run_sort(Ty::F32, &xb, false, o)));
    time("argsort", &mut |o| drop(run_sort(Ty::F32, &xb, true, o)));
    time("prefix", &mut |o| drop(run_scan(&x, false, o)));
    time("hist", &mut |o| {
        drop(run_hist(&x, &Bins::Range(256, -1.0, 1.0), o))
    });
    time("hist auto", &mut |o| {
        drop(run_hist(&x, &Bins::Auto(256), o))
    });
    time("softmax", &mut |o| drop(run_softmax(&x, 2048, 2048, o)));
}
