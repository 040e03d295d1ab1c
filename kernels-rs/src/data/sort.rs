//! Sort and stable argsort of 32-bit keys (`f32`, `i32`, `u32`): parallel LSD radix sort.
//!
//! **Keys.** Each value maps to a `u32` whose unsigned order is the wanted order ([`Key`]):
//! `u32` as is, `i32` with the sign bit flipped, `f32` with the sign bit flipped for positives
//! and all bits flipped for negatives — so `-Inf < … < -0 < +0 < … < +Inf` — and every NaN
//! (whatever its sign or payload) to `u32::MAX`, after `+Inf`. That is exactly the order of
//! `TypedArray.prototype.sort` (NaNs last, `-0` before `+0`). Sorted `f32` output writes NaNs as
//! the canonical quiet NaN (`0x7fc00000`); every other value keeps its bits.
//!
//! **Radix sort.** Four passes over 8-bit digits, least significant first; each pass is a stable
//! counting sort, so the whole sort is stable (argsort: equal keys keep index order). A pass
//! whose digit is the same for every key is skipped (e.g. small integers skip the high passes).
//!
//! **Parallel schedule** (n > [`CHUNK`]): chunks are fixed index ranges of [`CHUNK`] elements.
//!
//! | phase | chunks | work |
//! | --- | --- | --- |
//! | 0 | C | per chunk, counts of all four digits (one read); in-place sort: keys to scratch |
//! | 1 + 2p | C or 0 | pass p: scatter each chunk's elements to their offsets |
//! | 2p (p ≥ 1) | C or 0 | counts of digit p per chunk, over the array as the previous pass left it |
//! | 8 | C or 0 | only when every pass was skipped (all keys equal): copy / iota |
//!
//! The serial step between a count phase and its scatter — the exclusive scan of the C×256
//! counts in (digit, chunk) order, which gives every chunk its first output slot per digit — is
//! done by `plan` of the scatter phase (one thread, between two fork-joins; C·256 additions).
//! `plan` of phase 1 also decides which passes run, from the digit totals of phase 0. Chunk
//! boundaries depend only on n and the scan gives each element one position, so the output is
//! identical for any thread count and chunk order. Up to [`CHUNK`] elements the same passes run
//! in one chunk (one phase).
//!
//! Scratch: a 128-byte header (the pass schedule), C·4·256 counts, and the ping-pong buffers:
//! n keys for sort; for argsort 2n keys and n indices (the output is the other index buffer).

use crate::abi::Job;
use core::marker::PhantomData;
use core::ops::Range;

/// Elements per chunk (256 KiB of keys): a count and a scatter pass over it take ~50–150 µs.
pub(crate) const CHUNK: usize = 1 << 16;
const RADIX: usize = 256;
const PASSES: usize = 4;
const HEADER_BYTES: usize = 128;
/// Phases of the parallel schedule (see the module docs): count-all, 4 scatters, 3 counts, final.
const PHASES: u32 = 2 * PASSES as u32 + 1;

/// Maps values (as bits) to radix keys and back.
pub(crate) trait Key {
    fn key(bits: u32) -> u32;
    fn value(key: u32) -> u32;
}

pub(crate) struct F32Key;
pub(crate) struct I32Key;
pub(crate) struct U32Key;

impl Key for F32Key {
    #[inline(always)]
    fn key(b: u32) -> u32 {
        if b & 0x7fff_ffff > 0x7f80_0000 {
            u32::MAX
        } else {
            // Negative: flip every bit; positive: flip the sign bit.
            b ^ (((b as i32) >> 31) as u32 | 0x8000_0000)
        }
    }
    #[inline(always)]
    fn value(k: u32) -> u32 {
        if k == u32::MAX {
            0x7fc0_0000
        } else {
            k ^ (((!k as i32) >> 31) as u32 | 0x8000_0000)
        }
    }
}

impl Key for I32Key {
    #[inline(always)]
    fn key(b: u32) -> u32 {
        b ^ 0x8000_0000
    }
    #[inline(always)]
    fn value(k: u32) -> u32 {
        k ^ 0x8000_0000
    }
}

impl Key for U32Key {
    #[inline(always)]
    fn key(b: u32) -> u32 {
        b
    }
    #[inline(always)]
    fn value(k: u32) -> u32 {
        k
    }
}

/// Where a pass reads or writes its keys or indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
enum Buf {
    /// The input array (keys computed on the fly).
    Input = 0,
    /// The output array.
    Out = 1,
    /// Scratch keys of sort.
    T = 2,
    /// Scratch keys of argsort.
    K1 = 3,
    K2 = 4,
    /// Scratch indices of argsort.
    Ib = 5,
    /// Argsort's first pass: the index itself.
    Iota = 6,
    /// Nothing (argsort's last pass writes no keys).
    None = 7,
}

impl Buf {
    fn from_u32(v: u32) -> Self {
        use Buf::*;
        [Input, Out, T, K1, K2, Ib, Iota, None][v as usize]
    }
}

/// One radix pass of the schedule.
#[derive(Clone, Copy, Debug)]
#[repr(C)]
struct Pass {
    active: u32,
    key_src: u32,
    key_dst: u32,
    idx_src: u32,
    idx_dst: u32,
    /// 1 on the last active pass (sort writes values, not keys).
    last: u32,
}

/// The schedule, at the start of the scratch (parallel path) or on the stack (one chunk).
#[derive(Clone, Copy, Debug)]
#[repr(C)]
struct Schedule {
    passes: [Pass; PASSES],
    /// Number of active passes.
    active: u32,
}
const _: () = assert!(size_of::<Schedule>() <= HEADER_BYTES);

impl Schedule {
    /// Which passes run and where each reads and writes. `totals[p][d]`: how many keys have
    /// digit `d` in pass `p`. `aliased`: sort in place (input == output).
    fn new(totals: &[[u32; RADIX]; PASSES], n: usize, argsort: bool, aliased: bool) -> Self {
        let active: [bool; PASSES] =
            core::array::from_fn(|p| !totals[p].iter().any(|&t| t as usize == n));
        let k = active.iter().filter(|&&a| a).count();
        let mut passes = [Pass {
            active: 0,
            key_src: 0,
            key_dst: 0,
            idx_src: 0,
            idx_dst: 0,
            last: 0,
        }; PASSES];
        let (mut key_prev, mut idx_prev) = (Buf::None, Buf::None);
        for (j, p) in (0..PASSES).filter(|&p| active[p]).enumerate() {
            let last = j + 1 == k;
            // The last pass must land in Out: alternate backwards from it.
            let toward_out = |b: Buf| if (k - 1 - j) % 2 == 0 { Buf::Out } else { b };
            let pass = if argsort {
                Pass {
                    active: 1,
                    key_src: if j == 0 { Buf::Input } else { key_prev } as u32,
                    key_dst: if last {
                        Buf::None
                    } else if j % 2 == 0 {
                        Buf::K1
                    } else {
                        Buf::K2
                    } as u32,
                    idx_src: if j == 0 { Buf::Iota } else { idx_prev } as u32,
                    idx_dst: toward_out(Buf::Ib) as u32,
                    last: last as u32,
                }
            } else {
                // In place with an odd number of passes, the first would write over its own
                // input: phase 0 then copied the keys to T, and the first pass reads them there.
                let first_src = if aliased && k % 2 == 1 {
                    Buf::T
                } else {
                    Buf::Input
                };
                Pass {
                    active: 1,
                    key_src: if j == 0 { first_src } else { key_prev } as u32,
                    key_dst: toward_out(Buf::T) as u32,
                    idx_src: Buf::None as u32,
                    idx_dst: Buf::None as u32,
                    last: last as u32,
                }
            };
            key_prev = Buf::from_u32(pass.key_dst);
            idx_prev = Buf::from_u32(pass.idx_dst);
            passes[p] = pass;
        }
        Self {
            passes,
            active: k as u32,
        }
    }
}

/// One sort or argsort call, read from the job.
#[derive(Clone, Copy)]
pub(crate) struct Sort {
    n: usize,
    argsort: bool,
    key_type: u32,
    x: *const u32,
    out: *mut u32,
    scratch: *mut u8,
}

/// Byte offsets of the scratch regions.
struct Layout {
    hist: usize,
    t: usize,
    k1: usize,
    k2: usize,
    ib: usize,
    bytes: u64,
}

impl Sort {
    pub fn new(job: &Job, argsort: bool) -> Self {
        Self {
            n: job.dim[0] as usize,
            argsort,
            key_type: job.dim[1],
            x: job.ptr[0] as *const u32,
            out: job.ptr[1] as *mut u32,
            scratch: job.scratch as *mut u8,
        }
    }

    fn small(&self) -> bool {
        self.n <= CHUNK
    }

    fn chunks(&self) -> usize {
        self.n.div_ceil(CHUNK)
    }

    fn aliased(&self) -> bool {
        !self.argsort && core::ptr::eq(self.x, self.out)
    }

    fn layout(&self) -> Layout {
        let n = self.n as u64;
        let buf = (n * 4).next_multiple_of(8);
        let (header, hist) = if self.small() {
            (0, 0)
        } else {
            (
                HEADER_BYTES as u64,
                (self.chunks() * PASSES * RADIX * 4) as u64,
            )
        };
        let t = header + hist;
        let (k1, k2, ib, end) = if self.argsort {
            (t, t + buf, t + 2 * buf, t + 3 * buf)
        } else {
            (0, 0, 0, t + buf)
        };
        Layout {
            hist: header as usize,
            t: t as usize,
            k1: k1 as usize,
            k2: k2 as usize,
            ib: ib as usize,
            bytes: end,
        }
    }

    pub fn phases(&self) -> u32 {
        if self.small() {
            1
        } else {
            PHASES
        }
    }

    pub fn scratch_bytes(&self) -> u32 {
        if self.n == 0 {
            return 0;
        }
        let bytes = self.layout().bytes;
        u32::try_from(bytes).unwrap_or_else(|_| panic!("weft: sort scratch of {bytes} bytes"))
    }

    fn buf(&self, b: Buf) -> *mut u32 {
        let l = self.layout();
        // SAFETY (offsets): inside the scratch sized by `layout`.
        unsafe {
            match b {
                Buf::Input => self.x as *mut u32,
                Buf::Out => self.out,
                Buf::T => self.scratch.add(l.t).cast(),
                Buf::K1 => self.scratch.add(l.k1).cast(),
                Buf::K2 => self.scratch.add(l.k2).cast(),
                Buf::Ib => self.scratch.add(l.ib).cast(),
                Buf::Iota | Buf::None => core::ptr::null_mut(),
            }
        }
    }

    /// Counts of chunk `c`, pass `p` (parallel path).
    fn hist(&self, c: usize, p: usize) -> *mut u32 {
        // SAFETY: inside the counts region.
        unsafe {
            self.scratch
                .add(self.layout().hist)
                .cast::<u32>()
                .add((c * PASSES + p) * RADIX)
        }
    }

    fn schedule(&self) -> *mut Schedule {
        self.scratch.cast()
    }

    fn span(&self, c: usize) -> Range<usize> {
        c * CHUNK..self.n.min((c + 1) * CHUNK)
    }

    /// Plans `phase`; for phases > 0 also prepares the schedule and the scatter offsets.
    ///
    /// # Safety
    /// Phases > 0: the scratch is allocated and every chunk of the previous phase completed.
    pub unsafe fn plan(&self, phase: u32) -> u32 {
        if self.n == 0 {
            return 0;
        }
        if self.small() {
            return 1;
        }
        let c = self.chunks();
        let phase = phase as usize;
        // SAFETY (all): phase > 0, so the scratch exists and holds phase 0's counts.
        unsafe {
            if phase == 0 {
                return c as u32;
            }
            if phase == 1 {
                let mut totals = [[0u32; RADIX]; PASSES];
                for chunk in 0..c {
                    for (p, total) in totals.iter_mut().enumerate() {
                        let h = core::slice::from_raw_parts(self.hist(chunk, p), RADIX);
                        total.iter_mut().zip(h).for_each(|(t, &h)| *t += h);
                    }
                }
                let s = Schedule::new(&totals, self.n, self.argsort, self.aliased());
                self.schedule().write(s);
            }
            let s = self.schedule().read();
            let active = |p: usize| s.passes[p].active != 0;
            let run = |yes: bool| if yes { c as u32 } else { 0 };
            if phase == 2 * PASSES {
                return run(s.active == 0); // final copy / iota
            }
            if phase.is_multiple_of(2) {
                // Count of digit p = phase/2, unless p is the first pass that runs: then the
                // array is still in input order and phase 0 already counted it per chunk.
                let p = phase / 2;
                let first = (0..PASSES).find(|&q| active(q));
                return run(active(p) && first != Some(p));
            }
            let p = (phase - 1) / 2;
            if active(p) {
                // Exclusive scan in (digit, chunk) order: chunk c's first slot for digit d.
                let mut at = 0u32;
                for d in 0..RADIX {
                    for chunk in 0..c {
                        let h = self.hist(chunk, p).add(d);
                        let count = h.read();
                        h.write(at);
                        at += count;
                    }
                }
            }
            run(active(p))
        }
    }

    /// Runs chunk `chunk` of `phase`.
    ///
    /// # Safety
    /// The phase was planned, the pointers cover n elements, and the chunk runs once.
    pub unsafe fn chunk(&self, phase: u32, chunk: u32) {
        // SAFETY: forwarded.
        unsafe {
            match self.key_type {
                0 => Typed::<F32Key>::new(self).chunk(phase, chunk as usize),
                1 => Typed::<I32Key>::new(self).chunk(phase, chunk as usize),
                _ => Typed::<U32Key>::new(self).chunk(phase, chunk as usize),
            }
        }
    }
}

/// A sort with its key type fixed, so the hot loops are monomorphic.
struct Typed<'a, K: Key> {
    s: &'a Sort,
    _k: PhantomData<K>,
}

impl<'a, K: Key> Typed<'a, K> {
    fn new(s: &'a Sort) -> Self {
        Self { s, _k: PhantomData }
    }

    unsafe fn chunk(&self, phase: u32, c: usize) {
        let s = self.s;
        // SAFETY (all): caller contract; each chunk touches its own range / counts, and the
        // scatter positions of different chunks are disjoint (the scan in `plan`).
        unsafe {
            if s.small() {
                return self.whole();
            }
            let range = s.span(c);
            let phase = phase as usize;
            if phase == 0 {
                let copy = if s.aliased() {
                    s.buf(Buf::T)
                } else {
                    core::ptr::null_mut()
                };
                let h = count_all::<K>(s.x, range, copy);
                for (p, h) in h.iter().enumerate() {
                    core::ptr::copy_nonoverlapping(h.as_ptr(), s.hist(c, p), RADIX);
                }
                return;
            }
            let sched = s.schedule().read();
            if phase == 2 * PASSES {
                return self.final_copy(range);
            }
            if phase.is_multiple_of(2) {
                let p = phase / 2;
                let h = self.count(&sched.passes[p], p, range);
                core::ptr::copy_nonoverlapping(h.as_ptr(), s.hist(c, p), RADIX);
                return;
            }
            let p = (phase - 1) / 2;
            let mut offsets = [0u32; RADIX];
            core::ptr::copy_nonoverlapping(s.hist(c, p), offsets.as_mut_ptr(), RADIX);
            self.scatter(&sched.passes[p], p, range, &mut offsets);
        }
    }

    /// Counts digit `p` over `range` of the pass's source.
    unsafe fn count(&self, pass: &Pass, p: usize, range: Range<usize>) -> [u32; RADIX] {
        let src = self.s.buf(Buf::from_u32(pass.key_src));
        let shift = 8 * p as u32;
        let mut h = [0u32; RADIX];
        // SAFETY: src covers n elements.
        unsafe {
            if pass.key_src == Buf::Input as u32 {
                for i in range {
                    h[(K::key(*src.add(i)) >> shift) as usize & 0xff] += 1;
                }
            } else {
                for i in range {
                    h[(*src.add(i) >> shift) as usize & 0xff] += 1;
                }
            }
        }
        h
    }

    /// Pass `p` over `range`: each element to `offsets[digit]`, post-incremented.
    unsafe fn scatter(
        &self,
        pass: &Pass,
        p: usize,
        range: Range<usize>,
        offsets: &mut [u32; RADIX],
    ) {
        let s = self.s;
        let shift = 8 * p as u32;
        let b = |v: u32| s.buf(Buf::from_u32(v));
        let (ks, kd) = (b(pass.key_src), b(pass.key_dst));
        let from_input = pass.key_src == Buf::Input as u32;
        let last = pass.last != 0;
        // SAFETY (all): buffers cover n elements; offsets are < n (scan of the counts).
        unsafe {
            if !s.argsort {
                match (from_input, last) {
                    (true, true) => scatter_keys(ks, kd, range, offsets, shift, K::key, K::value),
                    (true, false) => scatter_keys(ks, kd, range, offsets, shift, K::key, id),
                    (false, true) => scatter_keys(ks, kd, range, offsets, shift, id, K::value),
                    (false, false) => scatter_keys(ks, kd, range, offsets, shift, id, id),
                }
                return;
            }
            let (is, id_) = (b(pass.idx_src), b(pass.idx_dst));
            let iota = pass.idx_src == Buf::Iota as u32;
            // The first pass reads keys from the input and indices from the iota: one flag.
            macro_rules! pairs {
                ($first:literal, $no_keys:literal, $load:expr) => {
                    scatter_pairs::<$first, $first, $no_keys>(
                        ks, kd, is, id_, range, offsets, shift, $load,
                    )
                };
            }
            match (from_input, iota, kd.is_null()) {
                (true, true, false) => pairs!(true, false, K::key),
                (true, true, true) => pairs!(true, true, K::key),
                (false, false, false) => pairs!(false, false, id),
                (false, false, true) => pairs!(false, true, id),
                _ => unreachable!("argsort: the first pass reads the input and the iota together"),
            }
        }
    }

    /// Every pass skipped (all keys equal): sort copies (canonical NaN), argsort writes 0..n.
    unsafe fn final_copy(&self, range: Range<usize>) {
        let s = self.s;
        // SAFETY: range inside n; in place is fine (element i read before written).
        unsafe {
            if s.argsort {
                for i in range {
                    *s.out.add(i) = i as u32;
                }
            } else {
                for i in range {
                    *s.out.add(i) = K::value(K::key(*s.x.add(i)));
                }
            }
        }
    }

    /// The whole sort in this chunk (n ≤ CHUNK): the same passes, sequentially.
    unsafe fn whole(&self) {
        let s = self.s;
        let n = s.n;
        // SAFETY (all): buffers cover n elements (scratch sized by `layout`).
        unsafe {
            let h = count_all::<K>(s.x, 0..n, core::ptr::null_mut());
            let sched = Schedule::new(&h, n, s.argsort, s.aliased());
            if sched.active == 0 {
                return self.final_copy(0..n);
            }
            if s.aliased() && sched.active % 2 == 1 {
                let t = s.buf(Buf::T);
                for i in 0..n {
                    *t.add(i) = K::key(*s.x.add(i));
                }
            }
            for (p, pass) in sched.passes.iter().enumerate() {
                if pass.active == 0 {
                    continue;
                }
                // One chunk: the counts of digit p over the whole array are its totals.
                let mut offsets = [0u32; RADIX];
                let mut at = 0;
                for (o, &count) in offsets.iter_mut().zip(&h[p]) {
                    *o = at;
                    at += count;
                }
                self.scatter(pass, p, 0..n, &mut offsets);
            }
        }
    }
}

#[inline(always)]
fn id(v: u32) -> u32 {
    v
}

/// Counts of all four digits over `range` of the input; with `copy`, also writes the keys there.
unsafe fn count_all<K: Key>(
    x: *const u32,
    range: Range<usize>,
    copy: *mut u32,
) -> [[u32; RADIX]; PASSES] {
    let mut h = [[0u32; RADIX]; PASSES];
    // SAFETY: x (and copy) cover the range.
    unsafe {
        for i in range {
            let k = K::key(*x.add(i));
            if !copy.is_null() {
                *copy.add(i) = k;
            }
            h[0][(k & 0xff) as usize] += 1;
            h[1][((k >> 8) & 0xff) as usize] += 1;
            h[2][((k >> 16) & 0xff) as usize] += 1;
            h[3][(k >> 24) as usize] += 1;
        }
    }
    h
}

/// Sort's scatter: `dst[offsets[digit(k)]++] = store(k)` with `k = load(src[i])`.
#[inline(always)]
unsafe fn scatter_keys(
    src: *const u32,
    dst: *mut u32,
    range: Range<usize>,
    offsets: &mut [u32; RADIX],
    shift: u32,
    load: impl Fn(u32) -> u32,
    store: impl Fn(u32) -> u32,
) {
    // SAFETY: caller contract.
    unsafe {
        for i in range {
            let k = load(*src.add(i));
            let o = &mut offsets[((k >> shift) & 0xff) as usize];
            *dst.add(*o as usize) = store(k);
            *o += 1;
        }
    }
}

/// Argsort's scatter: keys (unless `NO_KEYS`) and indices to `offsets[digit(k)]++`.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn scatter_pairs<const INPUT: bool, const IOTA: bool, const NO_KEYS: bool>(
    ks: *const u32,
    kd: *mut u32,
    is: *const u32,
    id: *mut u32,
    range: Range<usize>,
    offsets: &mut [u32; RADIX],
    shift: u32,
    load: impl Fn(u32) -> u32,
) {
    debug_assert!(INPUT == IOTA);
    // SAFETY: caller contract.
    unsafe {
        for i in range {
            let k = load(*ks.add(i));
            let o = &mut offsets[((k >> shift) & 0xff) as usize];
            let at = *o as usize;
            *o += 1;
            if !NO_KEYS {
                *kd.add(at) = k;
            }
            *id.add(at) = if IOTA { i as u32 } else { *is.add(i) };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f32_keys_order_like_typed_array_sort() {
        let vals = [
            f32::NEG_INFINITY,
            -3.5,
            -f32::MIN_POSITIVE,
            -0.0,
            0.0,
            1e-45,
            2.0,
            f32::INFINITY,
        ];
        let keys: Vec<u32> = vals.iter().map(|v| F32Key::key(v.to_bits())).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:x?}");
        for v in vals {
            assert_eq!(F32Key::value(F32Key::key(v.to_bits())), v.to_bits());
        }
        for nan in [0x7fc0_0000u32, 0xffc0_0001, 0x7f80_0001, 0xffff_ffff] {
            assert_eq!(F32Key::key(nan), u32::MAX);
        }
        assert_eq!(F32Key::value(u32::MAX), 0x7fc0_0000);
        assert!(I32Key::key(-1i32 as u32) < I32Key::key(0));
    }
}
