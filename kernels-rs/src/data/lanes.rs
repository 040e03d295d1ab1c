//! The few vector operations the data kernels need beyond [`crate::simd::F32x4`]: integer and
//! bit operations, shuffles, rounding, `f64x2` widening. Kept in this module (rather than in
//! `simd.rs`) so the data family is self-contained.
//!
//! Like `simd.rs`: on `wasm32` a `v128`, elsewhere a plain array with the same lane semantics,
//! so every kernel runs under native `cargo test` through the same code path.

#[cfg(target_arch = "wasm32")]
mod imp {
    use core::arch::wasm32::*;

    /// Four 32-bit lanes, read as `f32` or `i32` depending on the operation.
    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct V(v128);

    /// Two `f64` lanes.
    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct D(v128);

    impl V {
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            Self(f32x4_splat(x))
        }
        #[inline(always)]
        pub fn splat_i(x: i32) -> Self {
            Self(i32x4_splat(x))
        }
        /// # Safety
        /// 16 readable bytes at `p`, any alignment.
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> Self {
            Self(unsafe { v128_load(p.cast()) })
        }
        /// # Safety
        /// 16 writable bytes at `p`, any alignment.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            unsafe { v128_store(p.cast(), self.0) }
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
        #[inline(always)]
        pub fn from_array(a: [f32; 4]) -> Self {
            Self(f32x4(a[0], a[1], a[2], a[3]))
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            Self(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            Self(f32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            Self(f32x4_mul(self.0, o.0))
        }
        /// NaN-propagating (`f32x4.min`).
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            Self(f32x4_min(self.0, o.0))
        }
        /// NaN-propagating (`f32x4.max`).
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            Self(f32x4_max(self.0, o.0))
        }
        /// `o < self ? o : self` (`f32x4.pmin`, one instruction): a NaN in `self` stays.
        #[inline(always)]
        pub fn pmin(self, o: Self) -> Self {
            Self(f32x4_pmin(self.0, o.0))
        }
        /// `self < o ? o : self` (`f32x4.pmax`, one instruction): a NaN in `self` stays.
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            Self(f32x4_pmax(self.0, o.0))
        }
        /// `f32` lanes to `i32`, truncating, saturating, NaN → 0.
        #[inline(always)]
        pub fn to_i32(self) -> Self {
            Self(i32x4_trunc_sat_f32x4(self.0))
        }
        #[inline(always)]
        pub fn add_i(self, o: Self) -> Self {
            Self(i32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sub_i(self, o: Self) -> Self {
            Self(i32x4_sub(self.0, o.0))
        }
        /// Arithmetic shift right of `i32` lanes.
        #[inline(always)]
        pub fn shr_i(self, n: u32) -> Self {
            Self(i32x4_shr(self.0, n))
        }
        #[inline(always)]
        pub fn shl_i(self, n: u32) -> Self {
            Self(i32x4_shl(self.0, n))
        }
        /// `i32x4.shuffle`: lanes 0..4 from `self`, 4..8 from `o`.
        #[inline(always)]
        pub fn shuffle<const A: usize, const B: usize, const C: usize, const E: usize>(
            self,
            o: Self,
        ) -> Self {
            Self(i32x4_shuffle::<A, B, C, E>(self.0, o.0))
        }
        /// The low two `f32` lanes widened to `f64`.
        #[inline(always)]
        pub fn promote_low(self) -> D {
            D(f64x2_promote_low_f32x4(self.0))
        }
        /// Lanes holding a finite value kept, the others (±Inf, NaN) replaced by `pad`'s.
        #[inline(always)]
        pub fn finite_or(self, pad: Self) -> Self {
            let finite = f32x4_eq(f32x4_sub(self.0, self.0), f32x4_splat(0.0));
            Self(v128_bitselect(self.0, pad.0, finite))
        }
        /// `self & mask`, bitwise.
        #[inline(always)]
        pub fn and(self, mask: Self) -> Self {
            Self(v128_and(self.0, mask.0))
        }
        /// `i32` lanes to `f32`.
        #[inline(always)]
        pub fn i32_to_f32(self) -> Self {
            Self(f32x4_convert_i32x4(self.0))
        }
        /// `f32` lanes `self > o`: all ones, else zero (false for NaN).
        #[inline(always)]
        pub fn gt(self, o: Self) -> Self {
            Self(f32x4_gt(self.0, o.0))
        }
        /// `f32` lanes `self < o`: all ones, else zero (false for NaN).
        #[inline(always)]
        pub fn lt(self, o: Self) -> Self {
            Self(f32x4_lt(self.0, o.0))
        }
        /// `i32` lanes `self < o` (signed).
        #[inline(always)]
        pub fn lt_i(self, o: Self) -> Self {
            Self(i32x4_lt(self.0, o.0))
        }
        /// Bit k set if lane k's top bit is (mask lanes → 4 bits).
        #[inline(always)]
        pub fn bitmask(self) -> u32 {
            i32x4_bitmask(self.0) as u32
        }
        #[inline(always)]
        pub fn to_i32_array(self) -> [i32; 4] {
            [
                i32x4_extract_lane::<0>(self.0),
                i32x4_extract_lane::<1>(self.0),
                i32x4_extract_lane::<2>(self.0),
                i32x4_extract_lane::<3>(self.0),
            ]
        }
    }

    impl D {
        #[inline(always)]
        pub fn zero() -> Self {
            Self(f64x2_splat(0.0))
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            Self(f64x2_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sum(self) -> f64 {
            f64x2_extract_lane::<0>(self.0) + f64x2_extract_lane::<1>(self.0)
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    /// Portable model: four 32-bit lanes as raw bits.
    #[derive(Clone, Copy, Debug)]
    pub struct V([u32; 4]);

    #[derive(Clone, Copy, Debug)]
    pub struct D([f64; 2]);

    impl V {
        #[inline(always)]
        fn f(self) -> [f32; 4] {
            self.0.map(f32::from_bits)
        }
        #[inline(always)]
        fn i(self) -> [i32; 4] {
            self.0.map(|b| b as i32)
        }
        #[inline(always)]
        fn ff(a: [f32; 4]) -> Self {
            Self(a.map(f32::to_bits))
        }
        #[inline(always)]
        fn fi(a: [i32; 4]) -> Self {
            Self(a.map(|x| x as u32))
        }
        #[inline(always)]
        fn zipf(self, o: Self, f: impl Fn(f32, f32) -> f32) -> Self {
            let (a, b) = (self.f(), o.f());
            Self::ff(core::array::from_fn(|k| f(a[k], b[k])))
        }
        #[inline(always)]
        fn zipi(self, o: Self, f: impl Fn(i32, i32) -> i32) -> Self {
            let (a, b) = (self.i(), o.i());
            Self::fi(core::array::from_fn(|k| f(a[k], b[k])))
        }

        pub fn splat(x: f32) -> Self {
            Self([x.to_bits(); 4])
        }
        pub fn splat_i(x: i32) -> Self {
            Self([x as u32; 4])
        }
        /// # Safety
        /// 16 readable bytes at `p`.
        pub unsafe fn load(p: *const f32) -> Self {
            Self::ff(unsafe { p.cast::<[f32; 4]>().read_unaligned() })
        }
        /// # Safety
        /// 16 writable bytes at `p`.
        pub unsafe fn store(self, p: *mut f32) {
            unsafe { p.cast::<[f32; 4]>().write_unaligned(self.f()) }
        }
        pub fn to_array(self) -> [f32; 4] {
            self.f()
        }
        pub fn from_array(a: [f32; 4]) -> Self {
            Self::ff(a)
        }
        pub fn add(self, o: Self) -> Self {
            self.zipf(o, |a, b| a + b)
        }
        pub fn sub(self, o: Self) -> Self {
            self.zipf(o, |a, b| a - b)
        }
        pub fn mul(self, o: Self) -> Self {
            self.zipf(o, |a, b| a * b)
        }
        pub fn min(self, o: Self) -> Self {
            self.zipf(o, |a, b| {
                if a.is_nan() || b.is_nan() {
                    f32::NAN
                } else {
                    a.min(b)
                }
            })
        }
        pub fn max(self, o: Self) -> Self {
            self.zipf(o, |a, b| {
                if a.is_nan() || b.is_nan() {
                    f32::NAN
                } else {
                    a.max(b)
                }
            })
        }
        pub fn pmin(self, o: Self) -> Self {
            self.zipf(o, |a, b| if b < a { b } else { a })
        }
        pub fn pmax(self, o: Self) -> Self {
            self.zipf(o, |a, b| if a < b { b } else { a })
        }
        pub fn to_i32(self) -> Self {
            // `as` saturates and maps NaN to 0, like i32x4.trunc_sat_f32x4_s.
            Self::fi(self.f().map(|x| x as i32))
        }
        pub fn add_i(self, o: Self) -> Self {
            self.zipi(o, i32::wrapping_add)
        }
        pub fn sub_i(self, o: Self) -> Self {
            self.zipi(o, i32::wrapping_sub)
        }
        pub fn shr_i(self, n: u32) -> Self {
            Self::fi(self.i().map(|x| x >> (n & 31)))
        }
        pub fn shl_i(self, n: u32) -> Self {
            Self::fi(self.i().map(|x| x << (n & 31)))
        }
        pub fn shuffle<const A: usize, const B: usize, const C: usize, const E: usize>(
            self,
            o: Self,
        ) -> Self {
            let all = [
                self.0[0], self.0[1], self.0[2], self.0[3], o.0[0], o.0[1], o.0[2], o.0[3],
            ];
            Self([all[A], all[B], all[C], all[E]])
        }
        pub fn promote_low(self) -> D {
            let a = self.f();
            D([a[0] as f64, a[1] as f64])
        }
        pub fn finite_or(self, pad: Self) -> Self {
            self.zipf(pad, |a, p| if a.is_finite() { a } else { p })
        }
        pub fn and(self, mask: Self) -> Self {
            Self(core::array::from_fn(|k| self.0[k] & mask.0[k]))
        }
        pub fn i32_to_f32(self) -> Self {
            Self::ff(self.i().map(|x| x as f32))
        }
        fn mask(f: impl Fn(usize) -> bool) -> Self {
            Self(core::array::from_fn(|k| if f(k) { u32::MAX } else { 0 }))
        }
        pub fn gt(self, o: Self) -> Self {
            let (a, b) = (self.f(), o.f());
            Self::mask(|k| a[k] > b[k])
        }
        pub fn lt(self, o: Self) -> Self {
            let (a, b) = (self.f(), o.f());
            Self::mask(|k| a[k] < b[k])
        }
        pub fn lt_i(self, o: Self) -> Self {
            let (a, b) = (self.i(), o.i());
            Self::mask(|k| a[k] < b[k])
        }
        pub fn bitmask(self) -> u32 {
            (0..4).map(|k| (self.0[k] >> 31) << k).sum()
        }
        pub fn to_i32_array(self) -> [i32; 4] {
            self.i()
        }
    }

    impl D {
        pub fn zero() -> Self {
            Self([0.0; 2])
        }
        pub fn add(self, o: Self) -> Self {
            Self([self.0[0] + o.0[0], self.0[1] + o.0[1]])
        }
        pub fn sum(self) -> f64 {
            self.0[0] + self.0[1]
        }
    }
}

pub(crate) use imp::{D, V};

impl V {
    #[inline(always)]
    pub fn zero() -> Self {
        Self::splat(0.0)
    }

    /// Lanes 2 and 3 widened to `f64`.
    #[inline(always)]
    pub fn promote_high(self) -> D {
        self.shuffle::<2, 3, 2, 3>(self).promote_low()
    }

    /// Every lane set to lane 3.
    #[inline(always)]
    pub fn broadcast3(self) -> Self {
        self.shuffle::<3, 3, 3, 3>(self)
    }

    /// Inclusive prefix sum across the four lanes: `[a, a+b, a+b+c, a+b+c+d]` (as
    /// `(a+b)+(c+d)` etc.: two shift-and-add steps).
    #[inline(always)]
    pub fn scan(self) -> Self {
        let z = Self::zero();
        let t = self.add(z.shuffle::<0, 4, 5, 6>(self)); // [a, a+b, b+c, c+d]
        t.add(z.shuffle::<0, 1, 4, 5>(t)) // [a, a+b, a+b+c, a+b+c+d]
    }

    /// Loads `len` (< 4) lanes, the rest `pad`.
    ///
    /// # Safety
    /// `len` readable floats at `p`.
    #[inline(always)]
    pub unsafe fn load_partial(p: *const f32, len: usize, pad: f32) -> Self {
        debug_assert!(len < 4);
        let mut a = [pad; 4];
        unsafe { core::ptr::copy_nonoverlapping(p, a.as_mut_ptr(), len) };
        Self::from_array(a)
    }

    /// Stores the first `len` (< 4) lanes.
    ///
    /// # Safety
    /// `len` writable floats at `p`.
    #[inline(always)]
    pub unsafe fn store_partial(self, p: *mut f32, len: usize) {
        debug_assert!(len < 4);
        let a = self.to_array();
        unsafe { core::ptr::copy_nonoverlapping(a.as_ptr(), p, len) };
    }

    /// NaN-propagating horizontal minimum.
    #[inline(always)]
    pub fn hmin(self) -> f32 {
        let m = self.min(self.shuffle::<2, 3, 0, 1>(self));
        m.min(m.shuffle::<1, 0, 3, 2>(m)).to_array()[0]
    }

    /// NaN-propagating horizontal maximum.
    #[inline(always)]
    pub fn hmax(self) -> f32 {
        let m = self.max(self.shuffle::<2, 3, 0, 1>(self));
        m.max(m.shuffle::<1, 0, 3, 2>(m)).to_array()[0]
    }

    /// Horizontal sum in `f64` (exact for the four `f32` lanes' pairwise sums).
    #[inline(always)]
    pub fn hsum64(self) -> f64 {
        self.promote_low().add(self.promote_high()).sum()
    }
}

/// Transposes the 4×4 block whose rows are `r` into its columns (`out[j]` = column `j`).
#[inline(always)]
pub(crate) fn transpose4(r: [V; 4]) -> [V; 4] {
    let t0 = r[0].shuffle::<0, 4, 1, 5>(r[1]); // a0 b0 a1 b1
    let t1 = r[0].shuffle::<2, 6, 3, 7>(r[1]); // a2 b2 a3 b3
    let t2 = r[2].shuffle::<0, 4, 1, 5>(r[3]); // c0 d0 c1 d1
    let t3 = r[2].shuffle::<2, 6, 3, 7>(r[3]); // c2 d2 c3 d3
    [
        t0.shuffle::<0, 1, 4, 5>(t2),
        t0.shuffle::<2, 3, 6, 7>(t2),
        t1.shuffle::<0, 1, 4, 5>(t3),
        t1.shuffle::<2, 3, 6, 7>(t3),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_and_transpose() {
        let v = V::from_array([1.0, 2.0, 3.0, 4.0]);
        assert_eq!(v.scan().to_array(), [1.0, 3.0, 6.0, 10.0]);
        assert_eq!(v.broadcast3().to_array(), [4.0; 4]);
        assert_eq!(v.hmax(), 4.0);
        assert_eq!(v.hsum64(), 10.0);
        let rows =
            [0, 1, 2, 3].map(|r| V::from_array(core::array::from_fn(|c| (r * 4 + c) as f32)));
        let cols = transpose4(rows);
        for (c, col) in cols.iter().enumerate() {
            assert_eq!(col.to_array(), core::array::from_fn(|r| (r * 4 + c) as f32));
        }
    }
}
