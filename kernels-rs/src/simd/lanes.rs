//! Integer and `f64` lanes for the image kernels, under the same one-abstraction rule as
//! [`F32x4`](super::F32x4): a SIMD128 `v128` on `wasm32`, a plain array everywhere else with the
//! exact lane semantics of the wasm instruction (wrapping, saturation, truncation), so native
//! `cargo test` runs the same kernel logic bit for bit.
//!
//! - [`I16x8`]: 16-bit lanes; loads of eight `u8` widened, constant shuffles, and
//!   [`I16x8::dot`] (`i32x4.dot_i16x8_s`: pairwise multiply-add into 32-bit lanes — the
//!   fixed-point multiply-accumulate of the blurs).
//! - [`I32x4`]: 32-bit lanes; one RGBA pixel widened from `u8`, add/sub/shift, narrowing back
//!   (saturating) to `i16` and `u8`, conversion to and from `f64`; also the lane masks of
//!   [`F32x4::le`](super::F32x4::le) (-1 / 0), which `and`/`or`/`any` combine and `sub` counts.
//! - [`U8x16`]: bytes, only to store narrowed pixels.
//! - [`F64x2`], its comparison mask [`M64x2`] and [`I64x2`] counters: the Mandelbrot iteration.
//!
//! Every pointer may be unaligned. This is a vocabulary: not every operation is used by every
//! build (array conversions mostly serve tests), hence the `dead_code` allowance.
#![allow(dead_code)]

#[cfg(target_arch = "wasm32")]
mod imp {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct I16x8(v128);
    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct I32x4(v128);
    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct U8x16(v128);
    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct F64x2(v128);
    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct M64x2(v128);
    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct I64x2(v128);

    impl I16x8 {
        #[inline(always)]
        pub fn from_array(a: [i16; 8]) -> Self {
            Self(i16x8(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]))
        }

        #[inline(always)]
        pub fn to_array(self) -> [i16; 8] {
            // SAFETY: v128 and [i16; 8] have the same size and any bit pattern is valid.
            unsafe { core::mem::transmute(self.0) }
        }

        /// `[lo, hi, lo, hi, ...]`: a pair of 16-bit weights for [`Self::dot`].
        #[inline(always)]
        pub fn splat_pair(lo: i16, hi: i16) -> Self {
            Self(i32x4_splat((lo as u16 as i32) | ((hi as i32) << 16)))
        }

        /// # Safety
        /// `p` must be valid for reading 8 `i16`s.
        #[inline(always)]
        pub unsafe fn load(p: *const i16) -> Self {
            // SAFETY: caller guarantees 16 readable bytes; no alignment requirement.
            Self(unsafe { v128_load(p.cast()) })
        }

        /// # Safety
        /// `p` must be valid for writing 8 `i16`s.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut i16) {
            // SAFETY: caller guarantees 16 writable bytes.
            unsafe { v128_store(p.cast(), self.0) }
        }

        /// Eight bytes at `p`, zero-extended (`v128.load8x8_u`).
        ///
        /// # Safety
        /// `p` must be valid for reading 8 bytes.
        #[inline(always)]
        pub unsafe fn load_u8x8(p: *const u8) -> Self {
            // SAFETY: caller guarantees 8 readable bytes.
            Self(unsafe { u16x8_load_extend_u8x8(p) })
        }

        /// Lane `i` of the result is lane `Ii` of `a ++ b` (indices 0–15).
        #[inline(always)]
        pub fn shuffle<
            const I0: usize,
            const I1: usize,
            const I2: usize,
            const I3: usize,
            const I4: usize,
            const I5: usize,
            const I6: usize,
            const I7: usize,
        >(
            a: Self,
            b: Self,
        ) -> Self {
            Self(i16x8_shuffle::<I0, I1, I2, I3, I4, I5, I6, I7>(a.0, b.0))
        }

        /// `out[i] = a[2i]*b[2i] + a[2i+1]*b[2i+1]` in 32 bits (wrapping; only
        /// `(-32768)² + (-32768)²` overflows).
        #[inline(always)]
        pub fn dot(self, b: Self) -> I32x4 {
            I32x4(i32x4_dot_i16x8(self.0, b.0))
        }

        /// Lanes of `a` then `b`, each saturated to `0..=255`.
        #[inline(always)]
        pub fn narrow_u8(a: Self, b: Self) -> U8x16 {
            U8x16(u8x16_narrow_i16x8(a.0, b.0))
        }
    }

    impl I32x4 {
        /// For [`super::super::F32x4`]'s comparisons.
        #[inline(always)]
        pub(crate) fn from_v128(v: v128) -> Self {
            Self(v)
        }

        #[inline(always)]
        pub fn splat(x: i32) -> Self {
            Self(i32x4_splat(x))
        }

        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            Self(v128_and(self.0, o.0))
        }

        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            Self(v128_or(self.0, o.0))
        }

        /// True if any bit is set.
        #[inline(always)]
        pub fn any(self) -> bool {
            v128_any_true(self.0)
        }

        #[inline(always)]
        pub fn from_array(a: [i32; 4]) -> Self {
            Self(i32x4(a[0], a[1], a[2], a[3]))
        }

        #[inline(always)]
        pub fn to_array(self) -> [i32; 4] {
            [
                i32x4_extract_lane::<0>(self.0),
                i32x4_extract_lane::<1>(self.0),
                i32x4_extract_lane::<2>(self.0),
                i32x4_extract_lane::<3>(self.0),
            ]
        }

        /// # Safety
        /// `p` must be valid for reading 4 `i32`s.
        #[inline(always)]
        pub unsafe fn load(p: *const i32) -> Self {
            // SAFETY: caller guarantees 16 readable bytes.
            Self(unsafe { v128_load(p.cast()) })
        }

        /// # Safety
        /// `p` must be valid for writing 4 `i32`s.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut i32) {
            // SAFETY: caller guarantees 16 writable bytes.
            unsafe { v128_store(p.cast(), self.0) }
        }

        /// Four bytes at `p` (one RGBA pixel), zero-extended to 32 bits.
        ///
        /// # Safety
        /// `p` must be valid for reading 4 bytes.
        #[inline(always)]
        pub unsafe fn load_u8x4(p: *const u8) -> Self {
            // SAFETY: caller guarantees 4 readable bytes; no alignment requirement.
            let v = unsafe { v128_load32_zero(p.cast()) };
            Self(u32x4_extend_low_u16x8(u16x8_extend_low_u8x16(v)))
        }

        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            Self(i32x4_add(self.0, o.0))
        }

        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            Self(i32x4_sub(self.0, o.0))
        }

        /// Wrapping multiply.
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            Self(i32x4_mul(self.0, o.0))
        }

        /// Arithmetic shift right by `n` (< 32).
        #[inline(always)]
        pub fn shr(self, n: u32) -> Self {
            Self(i32x4_shr(self.0, n))
        }

        /// Lanes of `a` then `b`, each saturated to `i16`.
        #[inline(always)]
        pub fn narrow_i16(a: Self, b: Self) -> I16x8 {
            I16x8(i16x8_narrow_i32x4(a.0, b.0))
        }

        /// Lanes 0 and 1 as `f64` (exact).
        #[inline(always)]
        pub fn low_f64(self) -> F64x2 {
            F64x2(f64x2_convert_low_i32x4(self.0))
        }

        /// Lanes 2 and 3 as `f64` (exact).
        #[inline(always)]
        pub fn high_f64(self) -> F64x2 {
            F64x2(f64x2_convert_low_i32x4(i32x4_shuffle::<2, 3, 2, 3>(
                self.0, self.0,
            )))
        }

        /// `[trunc(lo[0]), trunc(lo[1]), trunc(hi[0]), trunc(hi[1])]`, saturating (NaN → 0).
        #[inline(always)]
        pub fn trunc_f64(lo: F64x2, hi: F64x2) -> Self {
            let l = i32x4_trunc_sat_f64x2_zero(lo.0);
            let h = i32x4_trunc_sat_f64x2_zero(hi.0);
            Self(i32x4_shuffle::<0, 1, 4, 5>(l, h))
        }

        /// `trunc((f32(x) + add) · mul)` per lane, each step an f32 operation. Defined for
        /// results inside the i32 range (the relaxed build truncates with
        /// `i32x4.relaxed_trunc_f32x4_s`, which differs only outside it).
        #[inline(always)]
        pub fn affine_trunc_f32(self, add: f32, mul: f32) -> Self {
            let v = f32x4_mul(
                f32x4_add(f32x4_convert_i32x4(self.0), f32x4_splat(add)),
                f32x4_splat(mul),
            );
            #[cfg(target_feature = "relaxed-simd")]
            {
                Self(i32x4_relaxed_trunc_f32x4(v))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                Self(i32x4_trunc_sat_f32x4(v))
            }
        }
    }

    impl U8x16 {
        #[inline(always)]
        pub fn to_array(self) -> [u8; 16] {
            // SAFETY: same size, any bit pattern is valid.
            unsafe { core::mem::transmute(self.0) }
        }

        /// # Safety
        /// `p` must be valid for writing 16 bytes.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut u8) {
            // SAFETY: caller guarantees 16 writable bytes.
            unsafe { v128_store(p.cast(), self.0) }
        }

        /// Stores the first 8 bytes.
        ///
        /// # Safety
        /// `p` must be valid for writing 8 bytes.
        #[inline(always)]
        pub unsafe fn store8(self, p: *mut u8) {
            // SAFETY: caller guarantees 8 writable bytes.
            unsafe { v128_store64_lane::<0>(self.0, p.cast()) }
        }

        /// Stores the first 4 bytes.
        ///
        /// # Safety
        /// `p` must be valid for writing 4 bytes.
        #[inline(always)]
        pub unsafe fn store4(self, p: *mut u8) {
            // SAFETY: caller guarantees 4 writable bytes.
            unsafe { v128_store32_lane::<0>(self.0, p.cast()) }
        }
    }

    impl F64x2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            Self(f64x2_splat(x))
        }

        #[inline(always)]
        pub fn from_array(a: [f64; 2]) -> Self {
            Self(f64x2(a[0], a[1]))
        }

        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            [
                f64x2_extract_lane::<0>(self.0),
                f64x2_extract_lane::<1>(self.0),
            ]
        }

        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            Self(f64x2_add(self.0, o.0))
        }

        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            Self(f64x2_sub(self.0, o.0))
        }

        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            Self(f64x2_mul(self.0, o.0))
        }

        /// `self <= o` per lane (false if either is NaN).
        #[inline(always)]
        pub fn le(self, o: Self) -> M64x2 {
            M64x2(f64x2_le(self.0, o.0))
        }
    }

    impl M64x2 {
        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            Self(v128_and(self.0, o.0))
        }

        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            Self(v128_or(self.0, o.0))
        }

        /// True if any lane is set.
        #[inline(always)]
        pub fn any(self) -> bool {
            v128_any_true(self.0)
        }

        /// Per lane: `yes` where set, `no` elsewhere.
        #[inline(always)]
        pub fn select(self, yes: F64x2, no: F64x2) -> F64x2 {
            F64x2(v128_bitselect(yes.0, no.0, self.0))
        }

        /// Per lane: `v` where set, `+0.0` elsewhere (one `v128.and`).
        #[inline(always)]
        pub fn keep(self, v: F64x2) -> F64x2 {
            F64x2(v128_and(self.0, v.0))
        }

        #[inline(always)]
        pub fn not(self) -> Self {
            Self(v128_not(self.0))
        }

        /// Per lane: NaN (all bits set) where set, `v` elsewhere (one `v128.or`).
        #[inline(always)]
        pub fn nan_or(self, v: F64x2) -> F64x2 {
            F64x2(v128_or(self.0, v.0))
        }
    }

    impl I64x2 {
        #[inline(always)]
        pub fn zero() -> Self {
            Self(i64x2_splat(0))
        }

        /// `self + 1` in the lanes set in `m` (`i64x2.sub` of the all-ones mask).
        #[inline(always)]
        pub fn count(self, m: M64x2) -> Self {
            Self(i64x2_sub(self.0, m.0))
        }

        #[inline(always)]
        pub fn to_array(self) -> [i64; 2] {
            [
                i64x2_extract_lane::<0>(self.0),
                i64x2_extract_lane::<1>(self.0),
            ]
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    //! Portable model of the `simd128` build: the same lane semantics, one lane at a time.

    #[derive(Clone, Copy, Debug)]
    pub struct I16x8([i16; 8]);
    #[derive(Clone, Copy, Debug)]
    pub struct I32x4([i32; 4]);
    #[derive(Clone, Copy, Debug)]
    pub struct U8x16([u8; 16]);
    #[derive(Clone, Copy, Debug)]
    pub struct F64x2([f64; 2]);
    #[derive(Clone, Copy, Debug)]
    pub struct M64x2([bool; 2]);
    #[derive(Clone, Copy, Debug)]
    pub struct I64x2([i64; 2]);

    impl I16x8 {
        #[inline(always)]
        pub fn from_array(a: [i16; 8]) -> Self {
            Self(a)
        }

        #[inline(always)]
        pub fn to_array(self) -> [i16; 8] {
            self.0
        }

        #[inline(always)]
        pub fn splat_pair(lo: i16, hi: i16) -> Self {
            Self([lo, hi, lo, hi, lo, hi, lo, hi])
        }

        /// # Safety
        /// `p` must be valid for reading 8 `i16`s.
        #[inline(always)]
        pub unsafe fn load(p: *const i16) -> Self {
            // SAFETY: caller guarantees 16 readable bytes.
            Self(unsafe { p.cast::<[i16; 8]>().read_unaligned() })
        }

        /// # Safety
        /// `p` must be valid for writing 8 `i16`s.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut i16) {
            // SAFETY: caller guarantees 16 writable bytes.
            unsafe { p.cast::<[i16; 8]>().write_unaligned(self.0) }
        }

        /// # Safety
        /// `p` must be valid for reading 8 bytes.
        #[inline(always)]
        pub unsafe fn load_u8x8(p: *const u8) -> Self {
            // SAFETY: caller guarantees 8 readable bytes.
            let b = unsafe { p.cast::<[u8; 8]>().read_unaligned() };
            Self(b.map(i16::from))
        }

        #[inline(always)]
        pub fn shuffle<
            const I0: usize,
            const I1: usize,
            const I2: usize,
            const I3: usize,
            const I4: usize,
            const I5: usize,
            const I6: usize,
            const I7: usize,
        >(
            a: Self,
            b: Self,
        ) -> Self {
            let pick = |i: usize| if i < 8 { a.0[i] } else { b.0[i - 8] };
            Self([I0, I1, I2, I3, I4, I5, I6, I7].map(pick))
        }

        #[inline(always)]
        pub fn dot(self, b: Self) -> I32x4 {
            I32x4(core::array::from_fn(|i| {
                let p = |j: usize| i32::from(self.0[j]) * i32::from(b.0[j]);
                p(2 * i).wrapping_add(p(2 * i + 1))
            }))
        }

        #[inline(always)]
        pub fn narrow_u8(a: Self, b: Self) -> U8x16 {
            U8x16(core::array::from_fn(|i| {
                let v = if i < 8 { a.0[i] } else { b.0[i - 8] };
                v.clamp(0, 255) as u8
            }))
        }
    }

    impl I32x4 {
        #[inline(always)]
        pub fn splat(x: i32) -> Self {
            Self([x; 4])
        }

        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            self.zip(o, |a, b| a & b)
        }

        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            self.zip(o, |a, b| a | b)
        }

        #[inline(always)]
        pub fn any(self) -> bool {
            self.0.iter().any(|&x| x != 0)
        }

        #[inline(always)]
        pub fn from_array(a: [i32; 4]) -> Self {
            Self(a)
        }

        #[inline(always)]
        pub fn to_array(self) -> [i32; 4] {
            self.0
        }

        /// # Safety
        /// `p` must be valid for reading 4 `i32`s.
        #[inline(always)]
        pub unsafe fn load(p: *const i32) -> Self {
            // SAFETY: caller guarantees 16 readable bytes.
            Self(unsafe { p.cast::<[i32; 4]>().read_unaligned() })
        }

        /// # Safety
        /// `p` must be valid for writing 4 `i32`s.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut i32) {
            // SAFETY: caller guarantees 16 writable bytes.
            unsafe { p.cast::<[i32; 4]>().write_unaligned(self.0) }
        }

        /// # Safety
        /// `p` must be valid for reading 4 bytes.
        #[inline(always)]
        pub unsafe fn load_u8x4(p: *const u8) -> Self {
            // SAFETY: caller guarantees 4 readable bytes.
            let b = unsafe { p.cast::<[u8; 4]>().read_unaligned() };
            Self(b.map(i32::from))
        }

        #[inline(always)]
        fn zip(self, o: Self, f: impl Fn(i32, i32) -> i32) -> Self {
            Self(core::array::from_fn(|i| f(self.0[i], o.0[i])))
        }

        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            self.zip(o, i32::wrapping_add)
        }

        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            self.zip(o, i32::wrapping_sub)
        }

        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            self.zip(o, i32::wrapping_mul)
        }

        #[inline(always)]
        pub fn shr(self, n: u32) -> Self {
            Self(self.0.map(|x| x >> (n & 31)))
        }

        #[inline(always)]
        pub fn narrow_i16(a: Self, b: Self) -> I16x8 {
            I16x8(core::array::from_fn(|i| {
                let v = if i < 4 { a.0[i] } else { b.0[i - 4] };
                v.clamp(i16::MIN.into(), i16::MAX.into()) as i16
            }))
        }

        #[inline(always)]
        pub fn low_f64(self) -> F64x2 {
            F64x2([self.0[0].into(), self.0[1].into()])
        }

        #[inline(always)]
        pub fn high_f64(self) -> F64x2 {
            F64x2([self.0[2].into(), self.0[3].into()])
        }

        /// Saturating truncation like `i32x4.trunc_sat_f64x2_s_zero` (`as` saturates, NaN → 0).
        #[inline(always)]
        pub fn trunc_f64(lo: F64x2, hi: F64x2) -> Self {
            Self([
                lo.0[0] as i32,
                lo.0[1] as i32,
                hi.0[0] as i32,
                hi.0[1] as i32,
            ])
        }

        #[inline(always)]
        pub fn affine_trunc_f32(self, add: f32, mul: f32) -> Self {
            Self(self.0.map(|x| ((x as f32 + add) * mul) as i32))
        }
    }

    impl U8x16 {
        #[inline(always)]
        pub fn to_array(self) -> [u8; 16] {
            self.0
        }

        /// # Safety
        /// `p` must be valid for writing 16 bytes.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut u8) {
            // SAFETY: caller guarantees 16 writable bytes.
            unsafe { core::ptr::copy_nonoverlapping(self.0.as_ptr(), p, 16) }
        }

        /// # Safety
        /// `p` must be valid for writing 8 bytes.
        #[inline(always)]
        pub unsafe fn store8(self, p: *mut u8) {
            // SAFETY: caller guarantees 8 writable bytes.
            unsafe { core::ptr::copy_nonoverlapping(self.0.as_ptr(), p, 8) }
        }

        /// # Safety
        /// `p` must be valid for writing 4 bytes.
        #[inline(always)]
        pub unsafe fn store4(self, p: *mut u8) {
            // SAFETY: caller guarantees 4 writable bytes.
            unsafe { core::ptr::copy_nonoverlapping(self.0.as_ptr(), p, 4) }
        }
    }

    impl F64x2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            Self([x; 2])
        }

        #[inline(always)]
        pub fn from_array(a: [f64; 2]) -> Self {
            Self(a)
        }

        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            self.0
        }

        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            Self([self.0[0] + o.0[0], self.0[1] + o.0[1]])
        }

        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            Self([self.0[0] - o.0[0], self.0[1] - o.0[1]])
        }

        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            Self([self.0[0] * o.0[0], self.0[1] * o.0[1]])
        }

        #[inline(always)]
        pub fn le(self, o: Self) -> M64x2 {
            M64x2([self.0[0] <= o.0[0], self.0[1] <= o.0[1]])
        }
    }

    impl M64x2 {
        #[inline(always)]
        pub fn and(self, o: Self) -> Self {
            Self([self.0[0] && o.0[0], self.0[1] && o.0[1]])
        }

        #[inline(always)]
        pub fn or(self, o: Self) -> Self {
            Self([self.0[0] || o.0[0], self.0[1] || o.0[1]])
        }

        #[inline(always)]
        pub fn any(self) -> bool {
            self.0[0] || self.0[1]
        }

        #[inline(always)]
        pub fn select(self, yes: F64x2, no: F64x2) -> F64x2 {
            F64x2([
                if self.0[0] { yes.0[0] } else { no.0[0] },
                if self.0[1] { yes.0[1] } else { no.0[1] },
            ])
        }

        #[inline(always)]
        pub fn keep(self, v: F64x2) -> F64x2 {
            self.select(v, F64x2([0.0; 2]))
        }

        #[inline(always)]
        pub fn not(self) -> Self {
            Self([!self.0[0], !self.0[1]])
        }

        #[inline(always)]
        pub fn nan_or(self, v: F64x2) -> F64x2 {
            self.select(F64x2([f64::from_bits(u64::MAX); 2]), v)
        }
    }

    impl I64x2 {
        #[inline(always)]
        pub fn zero() -> Self {
            Self([0; 2])
        }

        #[inline(always)]
        pub fn count(self, m: M64x2) -> Self {
            Self([self.0[0] + i64::from(m.0[0]), self.0[1] + i64::from(m.0[1])])
        }

        #[inline(always)]
        pub fn to_array(self) -> [i64; 2] {
            self.0
        }
    }
}

#[allow(unused_imports)] // M64x2 is only ever named through F64x2::le's result
pub use imp::{F64x2, I16x8, I32x4, I64x2, M64x2, U8x16};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_pairs_and_wraps() {
        let a = I16x8::from_array([1, 2, 3, 4, -5, 6, i16::MIN, i16::MIN]);
        let b = I16x8::from_array([10, 20, 30, 40, 50, -60, i16::MIN, i16::MIN]);
        assert_eq!(a.dot(b).to_array(), [50, 250, -610, i32::MIN]);
        let w = I16x8::splat_pair(-3, 7);
        assert_eq!(w.to_array(), [-3, 7, -3, 7, -3, 7, -3, 7]);
    }

    #[test]
    fn shuffles_and_narrowing() {
        let a = I16x8::from_array([0, 1, 2, 3, 4, 5, 6, 7]);
        let b = I16x8::from_array([8, 9, 10, 11, 12, 13, 14, 15]);
        let s = I16x8::shuffle::<0, 8, 1, 9, 6, 14, 7, 15>(a, b);
        assert_eq!(s.to_array(), [0, 8, 1, 9, 6, 14, 7, 15]);
        let n = I32x4::narrow_i16(I32x4::from_array([-40000, 40000, 5, -5]), I32x4::splat(300));
        assert_eq!(
            n.to_array(),
            [i16::MIN, i16::MAX, 5, -5, 300, 300, 300, 300]
        );
        let u = I16x8::narrow_u8(n, I16x8::from_array([255, 256, 0, -1, 1, 2, 3, 4]));
        assert_eq!(
            u.to_array(),
            [0, 255, 5, 0, 255, 255, 255, 255, 255, 255, 0, 0, 1, 2, 3, 4]
        );
    }

    #[test]
    fn loads_and_conversions() {
        let bytes = [1u8, 200, 3, 255, 5, 6, 7, 8];
        // SAFETY: `bytes` holds 8 bytes.
        let v = unsafe { I16x8::load_u8x8(bytes.as_ptr()) };
        assert_eq!(v.to_array(), [1, 200, 3, 255, 5, 6, 7, 8]);
        let p = unsafe { I32x4::load_u8x4(bytes.as_ptr()) };
        assert_eq!(p.to_array(), [1, 200, 3, 255]);
        let x = I32x4::from_array([-7, 1 << 30, 3, -1]);
        assert_eq!(x.low_f64().to_array(), [-7.0, (1 << 30) as f64]);
        assert_eq!(x.high_f64().to_array(), [3.0, -1.0]);
        let t = I32x4::trunc_f64(
            F64x2::from_array([2.9, -2.9]),
            F64x2::from_array([1e12, f64::NAN]),
        );
        assert_eq!(t.to_array(), [2, -2, i32::MAX, 0]);
        assert_eq!(
            I32x4::from_array([-9, 9, 1 << 20, 7]).shr(2).to_array(),
            [-3, 2, 1 << 18, 1]
        );
        let a = I32x4::from_array([0, 7, 100, -3]).affine_trunc_f32(0.5, 0.25);
        assert_eq!(a.to_array(), [0, 1, 25, 0]);
    }

    #[test]
    fn f64_masks() {
        let a = F64x2::from_array([1.0, f64::NAN]);
        let m = a.le(F64x2::splat(4.0));
        assert!(m.any());
        let s = m.select(F64x2::splat(1.0), F64x2::splat(-2.0)).to_array();
        assert_eq!(s, [1.0, -2.0]);
        assert_eq!(m.keep(F64x2::splat(3.0)).to_array(), [3.0, 0.0]);
        let p = m.not().nan_or(F64x2::splat(3.0)).to_array();
        let l = super::super::F32x4::from_array([1.0, 5.0, f32::NAN, 4.0])
            .le(super::super::F32x4::splat(4.0));
        assert_eq!(l.to_array(), [-1, 0, 0, -1]);
        assert!(l.any() && !l.and(I32x4::from_array([0, -1, -1, 0])).any());
        assert_eq!(
            I32x4::splat(0).sub(l).or(I32x4::splat(8)).to_array(),
            [9, 8, 8, 9]
        );
        assert!(p[0] == 3.0 && p[1].is_nan());
        assert_eq!(I64x2::zero().count(m).count(m).to_array(), [2, 0]);
        assert!(!m.and(F64x2::splat(5.0).le(F64x2::splat(4.0))).any());
    }
}
