//! Integer and `f64` lanes for the image and data kernels, under the same one-abstraction rule
//! as [`F32x4`]: a SIMD128 `v128` on `wasm32`, a plain array everywhere else with the exact lane
//! semantics of the wasm instruction (wrapping, saturation, truncation), so native `cargo test`
//! runs the same kernel logic bit for bit.
//!
//! - [`I16x8`]: 16-bit lanes; loads of eight `u8` widened, constant shuffles, and
//!   [`I16x8::dot`] (`i32x4.dot_i16x8_s`: pairwise multiply-add into 32-bit lanes — the
//!   fixed-point multiply-accumulate of the blurs).
//! - [`I32x4`]: 32-bit lanes; one RGBA pixel widened from `u8`, add/sub/shift, narrowing back
//!   (saturating) to `i16` and `u8`, conversion to and from `f64` and `f32`; also the lane
//!   masks of [`F32x4`]'s comparisons (-1 / 0), which `and`/`or`/`any`/`bitmask` read and
//!   `count` counts.
//! - [`U8x16`]: bytes, only to store narrowed pixels.
//! - [`F64x2`], its comparison mask [`M64x2`] and [`I64x2`] counters: the Mandelbrot iteration,
//!   and the `f64` sums of the data kernels.
//!
//! The [`F32x4`] operations that produce or take one of these types (comparisons into masks,
//! bit casts, conversions, `f64` widening) are here too, because they need both types'
//! representations; so are the horizontal operations of the data kernels (prefix sum within a
//! vector, min/max/sum across it).
//!
//! Every pointer may be unaligned. This is a vocabulary: not every operation is used by every
//! build (array conversions mostly serve tests), hence the `dead_code` allowance.
#![allow(dead_code)]

use super::F32x4;

/// Whole-vector `load` and `store` at any alignment. An unaligned read or write of the
/// representation is `v128.load` / `v128.store` on wasm32 and an array copy elsewhere.
macro_rules! memory {
    ($($t:ident: $e:ty),*) => {$(
        impl $t {
            /// # Safety
            /// `p` must be valid for reading 16 bytes.
            #[inline(always)]
            pub unsafe fn load(p: *const $e) -> Self {
                // SAFETY: caller guarantees 16 readable bytes; no alignment requirement.
                Self(unsafe { core::ptr::read_unaligned(p.cast()) })
            }

            /// # Safety
            /// `p` must be valid for writing 16 bytes.
            #[inline(always)]
            pub unsafe fn store(self, p: *mut $e) {
                // SAFETY: caller guarantees 16 writable bytes; no alignment requirement.
                unsafe { core::ptr::write_unaligned(p.cast(), self.0) }
            }
        }
    )*};
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::F32x4;
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

    /// Methods that are one instruction on two vectors, listed as `name -> Output: instruction`.
    macro_rules! binary {
        ($t:ident { $($(#[$doc:meta])* $f:ident -> $out:ident: $op:ident,)* }) => {
            impl $t {$(
                $(#[$doc])*
                #[inline(always)]
                pub fn $f(self, o: Self) -> $out {
                    $out($op(self.0, o.0))
                }
            )*}
        };
    }

    memory!(I16x8: i16, I32x4: i32, U8x16: u8);

    binary!(I32x4 {
        and -> I32x4: v128_and,
        or -> I32x4: v128_or,
        add -> I32x4: i32x4_add,
        sub -> I32x4: i32x4_sub,
        /// Wrapping multiply.
        mul -> I32x4: i32x4_mul,
        /// `self < o` per lane (signed) as a mask: -1 or 0.
        lt -> I32x4: i32x4_lt,
    });

    binary!(F64x2 {
        add -> F64x2: f64x2_add,
        sub -> F64x2: f64x2_sub,
        mul -> F64x2: f64x2_mul,
        /// `self <= o` per lane (false if either is NaN).
        le -> M64x2: f64x2_le,
    });

    binary!(M64x2 {
        and -> M64x2: v128_and,
        or -> M64x2: v128_or,
    });

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

        /// Arithmetic shift right by `n` (< 32).
        #[inline(always)]
        pub fn shr(self, n: u32) -> Self {
            Self(i32x4_shr(self.0, n))
        }

        #[inline(always)]
        pub fn shl(self, n: u32) -> Self {
            Self(i32x4_shl(self.0, n))
        }

        /// Bit `k` set if lane `k`'s top bit is: a mask's lanes as four bits.
        #[inline(always)]
        pub fn bitmask(self) -> u32 {
            i32x4_bitmask(self.0) as u32
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

        /// Each lane converted to the nearest `f32`.
        #[inline(always)]
        pub fn to_f32(self) -> F32x4 {
            F32x4::from_v128(f32x4_convert_i32x4(self.0))
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
    }

    impl M64x2 {
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

    impl F32x4 {
        /// `o < self ? o : self` per lane (`f32x4.pmin`, one instruction): a NaN in `self` stays.
        #[inline(always)]
        pub fn pmin(self, o: Self) -> Self {
            Self::from_v128(f32x4_pmin(self.v128(), o.v128()))
        }

        /// `self < o ? o : self` per lane (`f32x4.pmax`, one instruction): a NaN in `self` stays.
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            Self::from_v128(f32x4_pmax(self.v128(), o.v128()))
        }

        /// `self > o` per lane as a mask: -1 or 0; false if either is NaN.
        #[inline(always)]
        pub fn gt(self, o: Self) -> I32x4 {
            I32x4(f32x4_gt(self.v128(), o.v128()))
        }

        /// `self < o` per lane as a mask: -1 or 0; false if either is NaN.
        #[inline(always)]
        pub fn lt(self, o: Self) -> I32x4 {
            I32x4(f32x4_lt(self.v128(), o.v128()))
        }

        /// Each lane truncated to `i32`, saturating, NaN → 0 (`i32x4.trunc_sat_f32x4_s`).
        #[inline(always)]
        pub fn trunc_sat(self) -> I32x4 {
            I32x4(i32x4_trunc_sat_f32x4(self.v128()))
        }

        /// The lanes' bits (no instruction).
        #[inline(always)]
        pub fn to_bits(self) -> I32x4 {
            I32x4(self.v128())
        }

        /// Lanes with the given bits (no instruction).
        #[inline(always)]
        pub fn from_bits(b: I32x4) -> Self {
            Self::from_v128(b.0)
        }

        /// Lanes 0 and 1 as `f64` (exact).
        #[inline(always)]
        pub fn promote_low(self) -> F64x2 {
            F64x2(f64x2_promote_low_f32x4(self.v128()))
        }

        /// Finite lanes kept, the others (±Inf, NaN) replaced by `pad`'s.
        #[inline(always)]
        pub fn finite_or(self, pad: Self) -> Self {
            let v = self.v128();
            // x − x is 0 exactly for finite x (Inf − Inf and NaN − NaN are NaN).
            let finite = f32x4_eq(f32x4_sub(v, v), f32x4_splat(0.0));
            Self::from_v128(v128_bitselect(v, pad.v128(), finite))
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    //! Portable model of the `simd128` build: the same lane semantics, one lane at a time.

    use super::F32x4;

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

    /// `f` lane by lane over `a` and `b`.
    #[inline(always)]
    fn zip<T: Copy, U, const N: usize>(a: [T; N], b: [T; N], f: impl Fn(T, T) -> U) -> [U; N] {
        core::array::from_fn(|i| f(a[i], b[i]))
    }

    /// The lane-by-lane twins of the wasm build's one-instruction methods.
    macro_rules! binary {
        ($t:ident { $($f:ident -> $out:ident: $op:expr,)* }) => {
            impl $t {$(
                #[inline(always)]
                pub fn $f(self, o: Self) -> $out {
                    $out(zip(self.0, o.0, $op))
                }
            )*}
        };
    }

    memory!(I16x8: i16, I32x4: i32, U8x16: u8);

    binary!(I32x4 {
        and -> I32x4: |a, b| a & b,
        or -> I32x4: |a, b| a | b,
        add -> I32x4: i32::wrapping_add,
        sub -> I32x4: i32::wrapping_sub,
        mul -> I32x4: i32::wrapping_mul,
        lt -> I32x4: |a, b| -i32::from(a < b),
    });

    binary!(F64x2 {
        add -> F64x2: |a, b| a + b,
        sub -> F64x2: |a, b| a - b,
        mul -> F64x2: |a, b| a * b,
        le -> M64x2: |a, b| a <= b,
    });

    binary!(M64x2 {
        and -> M64x2: |a, b| a && b,
        or -> M64x2: |a, b| a || b,
    });

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
        /// `p` must be valid for reading 4 bytes.
        #[inline(always)]
        pub unsafe fn load_u8x4(p: *const u8) -> Self {
            // SAFETY: caller guarantees 4 readable bytes.
            let b = unsafe { p.cast::<[u8; 4]>().read_unaligned() };
            Self(b.map(i32::from))
        }

        #[inline(always)]
        pub fn shr(self, n: u32) -> Self {
            Self(self.0.map(|x| x >> (n & 31)))
        }

        #[inline(always)]
        pub fn shl(self, n: u32) -> Self {
            Self(self.0.map(|x| x << (n & 31)))
        }

        #[inline(always)]
        pub fn bitmask(self) -> u32 {
            (0..4).map(|k| (self.0[k] as u32 >> 31) << k).sum()
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

        #[inline(always)]
        pub fn to_f32(self) -> F32x4 {
            F32x4::from_array(self.0.map(|x| x as f32))
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
    }

    impl M64x2 {
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

    impl F32x4 {
        #[inline(always)]
        pub fn pmin(self, o: Self) -> Self {
            Self::from_array(zip(self.to_array(), o.to_array(), |a, b| {
                if b < a {
                    b
                } else {
                    a
                }
            }))
        }

        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            Self::from_array(zip(self.to_array(), o.to_array(), |a, b| {
                if a < b {
                    b
                } else {
                    a
                }
            }))
        }

        #[inline(always)]
        pub fn gt(self, o: Self) -> I32x4 {
            I32x4(zip(self.to_array(), o.to_array(), |a, b| -i32::from(a > b)))
        }

        #[inline(always)]
        pub fn lt(self, o: Self) -> I32x4 {
            I32x4(zip(self.to_array(), o.to_array(), |a, b| -i32::from(a < b)))
        }

        /// `as` saturates and maps NaN to 0, like `i32x4.trunc_sat_f32x4_s`.
        #[inline(always)]
        pub fn trunc_sat(self) -> I32x4 {
            I32x4(self.to_array().map(|x| x as i32))
        }

        #[inline(always)]
        pub fn to_bits(self) -> I32x4 {
            I32x4(self.to_array().map(|x| x.to_bits() as i32))
        }

        #[inline(always)]
        pub fn from_bits(b: I32x4) -> Self {
            Self::from_array(b.0.map(|x| f32::from_bits(x as u32)))
        }

        #[inline(always)]
        pub fn promote_low(self) -> F64x2 {
            let a = self.to_array();
            F64x2([a[0].into(), a[1].into()])
        }

        #[inline(always)]
        pub fn finite_or(self, pad: Self) -> Self {
            Self::from_array(zip(self.to_array(), pad.to_array(), |a, p| {
                if a.is_finite() {
                    a
                } else {
                    p
                }
            }))
        }
    }
}

#[allow(unused_imports)] // M64x2 is only ever named through F64x2::le's result
pub use imp::{F64x2, I16x8, I32x4, I64x2, M64x2, U8x16};

impl F32x4 {
    /// Lanes 2 and 3 as `f64` (exact).
    #[inline(always)]
    pub fn promote_high(self) -> F64x2 {
        self.shuffle::<2, 3, 2, 3>(self).promote_low()
    }

    /// Every lane set to lane 3.
    #[inline(always)]
    pub fn broadcast3(self) -> Self {
        self.shuffle::<3, 3, 3, 3>(self)
    }

    /// Inclusive prefix sum across the four lanes, `[a, a+b, (b+c)+a, (c+d)+(a+b)]`: two
    /// shift-and-add steps rather than three dependent adds.
    #[inline(always)]
    pub fn scan(self) -> Self {
        let z = Self::zero();
        let t = self.add(z.shuffle::<0, 4, 5, 6>(self)); // [a, a+b, b+c, c+d]
        t.add(z.shuffle::<0, 1, 4, 5>(t))
    }

    /// NaN-propagating minimum of the four lanes.
    #[inline(always)]
    pub fn hmin(self) -> f32 {
        let m = self.min(self.shuffle::<2, 3, 0, 1>(self));
        m.min(m.shuffle::<1, 0, 3, 2>(m)).to_array()[0]
    }

    /// NaN-propagating maximum of the four lanes.
    #[inline(always)]
    pub fn hmax(self) -> f32 {
        let m = self.max(self.shuffle::<2, 3, 0, 1>(self));
        m.max(m.shuffle::<1, 0, 3, 2>(m)).to_array()[0]
    }

    /// Sum of the four lanes in `f64`, as `(a+c) + (b+d)`.
    #[inline(always)]
    pub fn hsum64(self) -> f64 {
        self.promote_low().add(self.promote_high()).sum()
    }
}

impl I32x4 {
    #[inline(always)]
    pub fn zero() -> Self {
        Self::splat(0)
    }

    /// `self + 1` in the lanes set in the mask `m` (-1 / 0), like [`I64x2::count`].
    #[inline(always)]
    pub fn count(self, m: Self) -> Self {
        self.sub(m)
    }
}

impl F64x2 {
    #[inline(always)]
    pub fn sum(self) -> f64 {
        let [a, b] = self.to_array();
        a + b
    }
}

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

    #[test]
    fn f32_masks_casts_and_horizontals() {
        let v = F32x4::from_array([1.0, 2.0, 3.0, 4.0]);
        assert_eq!(v.scan().to_array(), [1.0, 3.0, 6.0, 10.0]);
        assert_eq!(v.broadcast3().to_array(), [4.0; 4]);
        assert_eq!((v.hmin(), v.hmax(), v.hsum64()), (1.0, 4.0, 10.0));
        assert_eq!(v.promote_high().to_array(), [3.0, 4.0]);
        let (nan, inf) = (f32::NAN, f32::INFINITY);
        let x = F32x4::from_array([nan, -2.5, inf, 7.9]);
        assert!(x.hmin().is_nan() && x.hmax().is_nan());
        let p = x.pmin(F32x4::splat(0.0)).to_array();
        assert!(p[0].is_nan() && p[1..] == [-2.5, 0.0, 0.0]);
        let p = x.pmax(F32x4::splat(0.0)).to_array();
        assert!(p[0].is_nan() && p[1..] == [0.0, inf, 7.9]);
        let f = x.finite_or(F32x4::splat(-1.0)).to_array();
        assert_eq!(f, [-1.0, -2.5, -1.0, 7.9]);
        let z = F32x4::splat(0.0);
        assert_eq!(x.gt(z).to_array(), [0, 0, -1, -1]);
        assert_eq!(x.lt(z).to_array(), [0, -1, 0, 0]);
        assert_eq!(x.lt(z).or(x.gt(z)).bitmask(), 0b1110);
        let counts = I32x4::zero().count(x.gt(z)).count(x.lt(z));
        assert_eq!(counts.to_array(), [0, 1, 1, 1]);
        assert_eq!(x.trunc_sat().to_array(), [0, -2, i32::MAX, 7]);
        let b = x.to_bits();
        assert_eq!(b.to_array()[1], (-2.5f32).to_bits() as i32);
        assert_eq!(
            F32x4::from_bits(b.and(I32x4::splat(i32::MAX))).to_array()[1],
            2.5
        );
        let i = I32x4::from_array([-3, 0, 1 << 24 | 1, 9]);
        assert_eq!(i.to_f32().to_array(), [-3.0, 0.0, (1 << 24) as f32, 9.0]);
        assert_eq!(i.lt(I32x4::splat(1)).to_array(), [-1, -1, 0, 0]);
        assert_eq!(I32x4::splat(3).shl(30).to_array(), [-(1 << 30); 4]);
    }
}
