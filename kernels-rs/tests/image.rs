//! The IMAGE family (Gaussian blur, box blur, conv2d, Mandelbrot) through plan/chunk/finish, in
//! every chunk order and on real threads, against scalar references written from the specs in
//! the kernels' docs. The blurs and Mandelbrot are exact by construction, and conv2d's portable
//! build is unfused like the reference, so every comparison here is bit-exact.

// `!(a <= 4.0)` is the spec (true for NaN), not a clumsy `a > 4.0`.
#![allow(clippy::neg_cmp_op_on_partial_ord)]

mod common;

use common::*;
use std::ops::{Add, Mul, Sub};
use weft_kernels::abi::Job;
use weft_kernels::image::ImageKernel;

fn chunks_of(job: Job) -> (u32, u32) {
    let job = planned(job);
    (job.n_chunks, job.n_phases)
}

fn random_rgba(rng: &mut Rng, w: usize, h: usize) -> Vec<u8> {
    (0..w * h * 4).map(|_| rng.next_u64() as u8).collect()
}

// ---- references ------------------------------------------------------------------------------

fn exp_neg(t: f64) -> f64 {
    let u = t / 128.0;
    let (mut term, mut sum) = (1.0f64, 1.0f64);
    for k in 1..=20 {
        term = term * -u / k as f64;
        sum += term;
    }
    for _ in 0..7 {
        sum *= sum;
    }
    sum
}

/// The half kernel, as specified in blur.rs (largest-remainder quantisation to 2^14).
fn gaussian_weights(r: usize, sigma: f64) -> Vec<i64> {
    const ONE: i64 = 1 << 14;
    if r == 0 {
        return vec![ONE];
    }
    let mut g = vec![1.0f64];
    let mut tail = 0.0;
    for i in 1..=r {
        let t = (i * i) as f64 / (2.0 * sigma * sigma);
        let v = if t > 64.0 { 0.0 } else { exp_neg(t) };
        g.push(v);
        tail += v;
    }
    let total = 1.0 + 2.0 * tail;
    let e: Vec<f64> = g.iter().map(|&v| v / total * ONE as f64).collect();
    let mut q: Vec<i64> = e.iter().map(|v| v.floor() as i64).collect();
    let used = q[0] + 2 * q[1..].iter().sum::<i64>();
    let mut deficit = ONE - used;
    assert!((0..=2 * r as i64).contains(&deficit));
    if deficit % 2 == 1 {
        q[0] += 1;
        deficit -= 1;
    }
    let mut order: Vec<usize> = (1..=r).collect();
    order.sort_by(|&a, &b| {
        (e[b] - e[b].floor())
            .total_cmp(&(e[a] - e[a].floor()))
            .then(a.cmp(&b))
    });
    for &i in &order[..deficit as usize / 2] {
        q[i] += 1;
    }
    q
}

fn clamp(i: i64, n: usize) -> usize {
    i.clamp(0, n as i64 - 1) as usize
}

fn ref_gaussian(src: &[u8], w: usize, h: usize, r: usize, sigma: f64) -> Vec<u8> {
    let q = gaussian_weights(r, sigma);
    let wt = |t: i64| q[t.unsigned_abs() as usize];
    let r = r as i64;
    let mut inter = vec![0i64; w * h * 4];
    for y in 0..h {
        for x in 0..w {
            for ch in 0..4 {
                let s: i64 = (-r..=r)
                    .map(|t| wt(t) * src[(y * w + clamp(x as i64 + t, w)) * 4 + ch] as i64)
                    .sum();
                inter[(y * w + x) * 4 + ch] = (s + 64) >> 7;
            }
        }
    }
    let mut out = vec![0u8; w * h * 4];
    for y in 0..h {
        for x in 0..w {
            for ch in 0..4 {
                let s: i64 = (-r..=r)
                    .map(|t| wt(t) * inter[(clamp(y as i64 + t, h) * w + x) * 4 + ch])
                    .sum();
                out[(y * w + x) * 4 + ch] = ((s + (1 << 20)) >> 21) as u8;
            }
        }
    }
    out
}

fn ref_box(src: &[u8], w: usize, h: usize, r: usize) -> Vec<u8> {
    let d = ((2 * r + 1) * (2 * r + 1)) as u64;
    let r = r as i64;
    let mut out = vec![0u8; w * h * 4];
    for y in 0..h {
        for x in 0..w {
            for ch in 0..4 {
                let mut t = 0u64;
                for dy in -r..=r {
                    for dx in -r..=r {
                        let (sy, sx) = (clamp(y as i64 + dy, h), clamp(x as i64 + dx, w));
                        t += src[(sy * w + sx) * 4 + ch] as u64;
                    }
                }
                out[(y * w + x) * 4 + ch] = ((t + (d - 1) / 2) / d) as u8;
            }
        }
    }
    out
}

fn ref_conv(x: &[f32], f: &[f32], w: usize, h: usize, k: usize) -> Vec<f32> {
    let c = (k / 2) as i64;
    let mut out = vec![0f32; w * h];
    for y in 0..h as i64 {
        for xx in 0..w as i64 {
            let mut acc = 0f32;
            for i in 0..k as i64 {
                for j in 0..k as i64 {
                    let (sy, sx) = (y + i - c, xx + j - c);
                    if (0..h as i64).contains(&sy) && (0..w as i64).contains(&sx) {
                        acc += f[(i * k as i64 + j) as usize] * x[(sy * w as i64 + sx) as usize];
                    }
                }
            }
            out[(y * w as i64 + xx) as usize] = acc;
        }
    }
    out
}

fn palette(n: u32) -> [u8; 4] {
    const STOPS: [[u32; 3]; 8] = [
        [0, 7, 100],
        [32, 107, 203],
        [237, 255, 255],
        [255, 170, 0],
        [160, 60, 0],
        [60, 10, 40],
        [10, 2, 60],
        [0, 30, 140],
    ];
    let p = n % 64;
    let (k, f) = ((p / 8) as usize, p % 8);
    let (a, b) = (STOPS[k], STOPS[(k + 1) % 8]);
    let ch = |i: usize| ((a[i] * (8 - f) + b[i] * f + 4) / 8) as u8;
    [ch(0), ch(1), ch(2), 255]
}

/// The iteration of the spec in `T`'s arithmetic (f32 or f64).
fn escape_count<T>(cr: T, ci: T, max_iter: u32) -> u32
where
    T: Copy + PartialOrd + From<f32> + Add<Output = T> + Sub<Output = T> + Mul<Output = T>,
{
    let (mut zr, mut zi, mut n) = (T::from(0.0), T::from(0.0), 0);
    while n < max_iter {
        let (zr2, zi2) = (zr * zr, zi * zi);
        if !(zr2 + zi2 <= T::from(4.0)) {
            break;
        }
        zi = (zr + zr) * zi + ci;
        zr = (zr2 - zi2) + cr;
        n += 1;
    }
    n
}

/// The precision rule of mandelbrot.rs: f32 when `s ≥ 2^-17·max(1, |cx|, |cy|)`.
fn coarse(cx: f64, cy: f64, s: f64) -> bool {
    s >= 1.0f64.max(cx.abs()).max(cy.abs()) / 131072.0
}

fn ref_mandelbrot(w: usize, h: usize, cx: f64, cy: f64, s: f64, max_iter: u32) -> Vec<u8> {
    ref_mandelbrot_in(coarse(cx, cy, s), w, h, cx, cy, s, max_iter)
}

/// The image iterated in f32 if `f32`, else in f64, whatever the scale: the precision test
/// compares both at one view.
fn ref_mandelbrot_in(
    f32: bool,
    w: usize,
    h: usize,
    cx: f64,
    cy: f64,
    s: f64,
    max_iter: u32,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(w * h * 4);
    for y in 0..h {
        let ci = cy + (y as f64 - h as f64 / 2.0) * s;
        for x in 0..w {
            let cr = cx + (x as f64 - w as f64 / 2.0) * s;
            let n = if f32 {
                escape_count(cr as f32, ci as f32, max_iter)
            } else {
                escape_count(cr, ci, max_iter)
            };
            out.extend_from_slice(&if n == max_iter {
                [0, 0, 0, 255]
            } else {
                palette(n)
            });
        }
    }
    out
}

// ---- runs ------------------------------------------------------------------------------------

fn run_blur(
    kind: ImageKernel,
    src: &[u8],
    w: usize,
    h: usize,
    r: usize,
    sigma: f64,
    order: Order,
) -> Vec<u8> {
    let mut out = vec![0xA5u8; w * h * 4];
    let mut j = job(
        kind,
        &[src.as_ptr() as usize, out.as_mut_ptr() as usize],
        &[w as u32, h as u32, r as u32],
        &[sigma],
    );
    run(&mut j, order);
    out
}

fn first_mismatch(got: &[u8], want: &[u8], w: usize) -> String {
    let i = got.iter().zip(want).position(|(a, b)| a != b).unwrap();
    let px = i / 4;
    format!(
        "first mismatch at x={} y={} channel {}: got {} want {}",
        px % w,
        px / w,
        i % 4,
        got[i],
        want[i]
    )
}

/// `render(order)` gives `want`'s bytes (an RGBA image `w` pixels wide) in every order.
fn same_in_every_order(want: &[u8], w: usize, what: &str, render: impl Fn(Order) -> Vec<u8>) {
    for order in ORDERS {
        let got = render(order);
        assert!(
            got == want,
            "{what} {order:?}: {}",
            first_mismatch(&got, want, w)
        );
    }
}

const BLUR_SHAPES: [(usize, usize); 13] = [
    (1, 1),
    (1, 9),
    (9, 1),
    (2, 2),
    (3, 5),
    (7, 3),
    (8, 8),
    (17, 9),
    (63, 2),
    (65, 33),
    (130, 67),
    (67, 130),
    (300, 200),
];

/// Blurs random `w×h` pixels with `kind` in every order; each must give the reference's bytes.
fn check_blur(rng: &mut Rng, kind: ImageKernel, (w, h): (usize, usize), r: usize, sigma: f64) {
    let src = random_rgba(rng, w, h);
    let want = match kind {
        ImageKernel::GaussianBlur => ref_gaussian(&src, w, h, r, sigma),
        _ => ref_box(&src, w, h, r),
    };
    let what = format!("{kind:?} {w}×{h} r={r} σ={sigma}");
    same_in_every_order(&want, w, &what, |order| {
        run_blur(kind, &src, w, h, r, sigma, order)
    });
}

#[test]
fn gaussian_matches_reference_in_every_order() {
    let mut rng = Rng::new(11);
    for shape @ (w, h) in BLUR_SHAPES {
        for r in [0usize, 1, 2, 3, 6, 17] {
            if w * h * (2 * r + 1) <= 300 * 200 * 13 {
                let sigma = (r as f64 / 2.0).max(0.5);
                check_blur(&mut rng, ImageKernel::GaussianBlur, shape, r, sigma);
            }
        }
    }
}

#[test]
fn gaussian_large_radius_and_odd_sigmas() {
    let mut rng = Rng::new(12);
    for (w, h, r, sigma) in [
        (5, 3, 40, 20.0),
        (3, 2, 255, 127.5),
        (40, 30, 255, 1e9),
        (33, 21, 9, 0.2),
        (33, 21, 9, 50.0),
        (70, 70, 30, 3.0),
    ] {
        check_blur(&mut rng, ImageKernel::GaussianBlur, (w, h), r, sigma);
    }
}

#[test]
fn box_matches_reference_in_every_order() {
    let mut rng = Rng::new(13);
    for shape @ (w, h) in BLUR_SHAPES {
        for r in [0usize, 1, 2, 5, 13] {
            if w * h * (2 * r + 1) * (2 * r + 1) <= 4_000_000 {
                check_blur(&mut rng, ImageKernel::BoxBlur, shape, r, 0.0);
            }
        }
    }
    // 48 and 49: either side of the f32/f64 switch of the division.
    for (w, h, r) in [
        (5, 3, 40),
        (2, 7, 255),
        (300, 200, 1),
        (100, 90, 30),
        (110, 105, 48),
        (110, 105, 49),
        (60, 50, 100),
    ] {
        check_blur(&mut rng, ImageKernel::BoxBlur, (w, h), r, 0.0);
    }
}

#[test]
fn blurs_keep_constant_images_and_extremes() {
    for kind in [ImageKernel::GaussianBlur, ImageKernel::BoxBlur] {
        for value in [0u8, 1, 128, 254, 255] {
            let (w, h) = (37, 23);
            let src = vec![value; w * h * 4];
            for r in [0, 1, 4, 60, 255] {
                let got = run_blur(kind, &src, w, h, r, r as f64 / 2.0 + 0.5, Order::Threads(4));
                assert!(
                    got.iter().all(|&v| v == value),
                    "{kind:?} r={r} of constant {value}"
                );
            }
        }
    }
}

#[test]
fn radius_zero_copies() {
    let mut rng = Rng::new(14);
    let (w, h) = (129, 65);
    let src = random_rgba(&mut rng, w, h);
    for kind in [ImageKernel::GaussianBlur, ImageKernel::BoxBlur] {
        assert!(
            run_blur(kind, &src, w, h, 0, 1.0, Order::Shuffled(3)) == src,
            "{kind:?}"
        );
    }
}

#[test]
fn blurs_in_place() {
    let mut rng = Rng::new(15);
    let (w, h, r) = (150, 140, 4);
    let src = random_rgba(&mut rng, w, h);
    for kind in [ImageKernel::GaussianBlur, ImageKernel::BoxBlur] {
        let want = run_blur(kind, &src, w, h, r, 2.0, Order::Sequential);
        let mut buf = src.clone();
        let p = buf.as_mut_ptr() as usize;
        let mut j = job(kind, &[p, p], &[w as u32, h as u32, r as u32], &[2.0]);
        run(&mut j, Order::Threads(4));
        assert!(buf == want, "{kind:?} in place");
    }
}

#[test]
fn blur_plans_are_two_phases_and_split_big_images() {
    for kind in [ImageKernel::GaussianBlur, ImageKernel::BoxBlur] {
        let plan = |w: u32, h: u32, r: u32| chunks_of(job(kind, &[0, 0], &[w, h, r], &[1.0]));
        assert_eq!(plan(0, 10, 3), (0, 2));
        assert_eq!(plan(10, 0, 3), (0, 2));
        assert_eq!(plan(4, 4, 1), (1, 2), "a tiny image is one chunk");
        let (n, _) = plan(2048, 2048, 8);
        assert!(n >= 32, "{kind:?} 2048² plans {n} chunks");
    }
}

fn conv2d_job(x: &[f32], f: &[f32], out: &mut [f32], w: usize, h: usize, k: usize) -> Job {
    let ptr = [x.as_ptr(), f.as_ptr(), out.as_mut_ptr()].map(|p| p as usize);
    job(
        ImageKernel::Conv2d,
        &ptr,
        &[w as u32, h as u32, k as u32],
        &[],
    )
}

#[test]
fn conv2d_matches_reference_in_every_order() {
    let mut rng = Rng::new(21);
    let shapes = [
        (1, 1),
        (1, 7),
        (7, 1),
        (3, 3),
        (5, 4),
        (16, 16),
        (33, 9),
        (37, 41),
        (131, 70),
        (400, 300),
    ];
    for (w, h) in shapes {
        for k in [1usize, 3, 5, 7, 9] {
            let x: Vec<f32> = (0..w * h).map(|_| rng.f32()).collect();
            let f: Vec<f32> = (0..k * k).map(|_| rng.f32()).collect();
            let want = ref_conv(&x, &f, w, h, k);
            for order in ORDERS {
                let mut out = vec![f32::NAN; w * h];
                run(&mut conv2d_job(&x, &f, &mut out, w, h, k), order);
                assert_eq!(bits(&out), bits(&want), "conv2d {w}×{h} k={k} {order:?}");
            }
        }
    }
}

#[test]
fn conv2d_non_finite_values_stay_local() {
    let (w, h, k) = (23, 19, 5);
    let mut rng = Rng::new(22);
    let mut x: Vec<f32> = (0..w * h).map(|_| rng.f32()).collect();
    x[7 * w + 11] = f32::NAN;
    x[2 * w + 3] = f32::INFINITY;
    x[15 * w + 20] = f32::NEG_INFINITY;
    let mut f: Vec<f32> = (0..k * k).map(|_| rng.f32()).collect();
    let want = ref_conv(&x, &f, w, h, k);
    let mut out = vec![0f32; w * h];
    let mut j = conv2d_job(&x, &f, &mut out, w, h, k);
    run(&mut j, Order::Threads(4));
    assert!(out.iter().zip(&want).all(|(&a, &b)| same(a, b)));
    assert!(out[0].is_finite() && out[w * h - 1].is_finite());
    // An infinite corner weight: only outputs whose window puts that tap inside the image see it.
    f[0] = f32::INFINITY;
    let want = ref_conv(&x, &f, w, h, k);
    run(&mut j, Order::Reversed);
    assert!(out.iter().zip(&want).all(|(&a, &b)| same(a, b)));
    assert!(
        out[0].is_finite(),
        "tap (0,0) of output (0,0) is outside: skipped, not Inf·0"
    );
    assert!(!out[w * h - 1].is_finite());
}

fn mandelbrot_job(out: &mut [u8], w: usize, h: usize, view: (f64, f64, f64), max_iter: u32) -> Job {
    let (cx, cy, s) = view;
    let dim = [w as u32, h as u32, max_iter];
    job(
        ImageKernel::Mandelbrot,
        &[out.as_mut_ptr() as usize],
        &dim,
        &[cx, cy, s],
    )
}

#[test]
fn mandelbrot_matches_reference_in_every_order() {
    let views = [
        (1, 1, -0.5, 0.0, 0.01, 50),
        (1, 9, -0.5, 0.0, 0.3, 50),
        (9, 1, -0.5, 0.0, 0.3, 50),
        (7, 5, -0.75, 0.1, 0.05, 100),
        (64, 48, -0.6, 0.0, 3.2 / 48.0, 256),
        (101, 67, -0.743643887037151, 0.131825904205330, 1e-7, 700),
        (
            70,
            45,
            -0.743643887037151,
            0.131825904205330,
            1.0 / 131072.0,
            900,
        ),
        (
            70,
            45,
            -0.743643887037151,
            0.131825904205330,
            0.999 / 131072.0,
            900,
        ),
        (130, 3, -1.25, 0.0, 1e-13, 2000),
        (33, 17, 0.0, 0.0, 0.5, 1),
        (40, 30, 2.5, 2.5, 0.1, 30),
    ];
    for (w, h, cx, cy, s, max_iter) in views {
        let want = ref_mandelbrot(w, h, cx, cy, s, max_iter);
        let what = format!("mandelbrot {w}×{h} at ({cx}, {cy}) s={s}");
        same_in_every_order(&want, w, &what, |order| {
            let mut out = vec![0u8; w * h * 4];
            run(
                &mut mandelbrot_job(&mut out, w, h, (cx, cy, s), max_iter),
                order,
            );
            out
        });
    }
}

#[test]
fn mandelbrot_precision_follows_the_scale() {
    // At the threshold the f32 path runs; just under it, f64: the two differ on a boundary-rich
    // view, and each matches its own reference (checked above).
    let (w, h, cx, cy, max_iter) = (70, 45, -0.743643887037151, 0.131825904205330, 900);
    assert!(coarse(cx, cy, 1.0 / 131072.0) && !coarse(cx, cy, 0.999 / 131072.0));
    let f32_view = ref_mandelbrot(w, h, cx, cy, 1.0 / 131072.0, max_iter);
    let f64_view = ref_mandelbrot_in(false, w, h, cx, cy, 1.0 / 131072.0, max_iter);
    assert!(f32_view != f64_view, "the view should tell f32 from f64");
}

#[test]
fn mandelbrot_chunk_i_is_row_i() {
    let (w, h) = (50, 40);
    let mut out = vec![0u8; w * h * 4];
    let mut j = mandelbrot_job(&mut out, w, h, (-0.5, 0.0, 0.06), 100);
    assert_eq!(chunks_of(j), (h as u32, 1));
    j.phase = 0;
    // SAFETY: out holds the image; each chunk index runs once.
    unsafe {
        weft_kernels::weft_plan(&mut j);
        weft_kernels::weft_chunk(&j, 17);
    }
    let want = ref_mandelbrot(w, h, -0.5, 0.0, 0.06, 100);
    let row = |img: &[u8], y: usize| img[y * w * 4..(y + 1) * w * 4].to_vec();
    assert_eq!(row(&out, 17), row(&want, 17));
    assert!(
        out[..17 * w * 4]
            .iter()
            .chain(&out[18 * w * 4..])
            .all(|&b| b == 0),
        "only row 17 written"
    );
    // Inside point (the centre of the main cardioid) is opaque black; far outside escapes at once.
    assert_eq!(&want[(20 * w + 25) * 4..][..4], &[0, 0, 0, 255]);
    assert_eq!(escape_count(3.0, 0.0, 100), 1);
}
