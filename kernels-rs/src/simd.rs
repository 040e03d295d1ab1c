//! The one vector type every kernel is written against: four `f32` lanes.
//!
//! On `wasm32` it is a SIMD128 `v128`. Everywhere else it is a plain `[f32; 4]`, so that all
//! kernel logic (chunking, blocking, packing, edges, reductions) runs under native `cargo test`
//! with the same lane-by-lane arithmetic as the `simd128` build.
//!
//! [`F32x4::mul_add`] is the only operation whose rounding differs between the two wasm
//! builds: fused (`f32x4.relaxed_madd`) when `relaxed-simd` is enabled, multiply-then-add
//! otherwise. Keeping that choice here, and nowhere else, is what lets one kernel source serve
//! both builds.

#[cfg(target_arch = "wasm32")]
mod imp {
    use core::arch::wasm32::*;

    #[derive(Clone, Copy, Debug)]
    #[repr(transparent)]
    pub struct F32x4(v128);

    impl F32x4 {
        /// For the operations in [`super::lanes`] that mix `F32x4` with the other lane types.
        #[inline(always)]
        pub(crate) fn from_v128(v: v128) -> Self {
            Self(v)
        }

        /// See [`Self::from_v128`].
        #[inline(always)]
        pub(crate) fn v128(self) -> v128 {
            self.0
        }

        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            Self(f32x4_splat(x))
        }

        #[inline(always)]
        pub fn from_array(a: [f32; 4]) -> Self {
            Self(f32x4(a[0], a[1], a[2], a[3]))
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

        /// # Safety
        /// `p` must be valid for reading 4 `f32`s; any alignment.
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> Self {
            // SAFETY: caller guarantees 16 readable bytes; v128.load has no alignment requirement.
            Self(unsafe { v128_load(p.cast()) })
        }

        /// # Safety
        /// `p` must be valid for writing 4 `f32`s; any alignment.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            // SAFETY: caller guarantees 16 writable bytes; v128.store has no alignment requirement.
            unsafe { v128_store(p.cast(), self.0) }
        }

        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            Self(f32x4_add(self.0, o.0))
        }

        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            Self(f32x4_mul(self.0, o.0))
        }

        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            Self(f32x4_sub(self.0, o.0))
        }

        /// `self <= o` per lane as a mask: -1 (all bits) or 0; false if either is NaN.
        #[inline(always)]
        pub fn le(self, o: Self) -> super::lanes::I32x4 {
            super::lanes::I32x4::from_v128(f32x4_le(self.0, o.0))
        }

        /// `self * b + c`, fused or not depending on the build (see the module docs).
        #[inline(always)]
        pub fn mul_add(self, b: Self, c: Self) -> Self {
            #[cfg(target_feature = "relaxed-simd")]
            {
                Self(f32x4_relaxed_madd(self.0, b.0, c.0))
            }
            #[cfg(not(target_feature = "relaxed-simd"))]
            {
                Self(f32x4_add(f32x4_mul(self.0, b.0), c.0))
            }
        }

        /// Lanes `[I0, I1, I2, I3]` of the eight lanes `self ++ o` (`i8x16.shuffle`).
        #[inline(always)]
        pub fn shuffle<const I0: usize, const I1: usize, const I2: usize, const I3: usize>(
            self,
            o: Self,
        ) -> Self {
            Self(i32x4_shuffle::<I0, I1, I2, I3>(self.0, o.0))
        }

        /// Lane-wise minimum; NaN if either lane is NaN (`f32x4.min`, not `pmin`).
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            Self(f32x4_min(self.0, o.0))
        }

        /// Lane-wise maximum; NaN if either lane is NaN (`f32x4.max`, not `pmax`).
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            Self(f32x4_max(self.0, o.0))
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    /// Portable model of the `simd128` build: same lane semantics, unfused multiply-add.
    #[derive(Clone, Copy, Debug)]
    pub struct F32x4([f32; 4]);

    impl F32x4 {
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            Self([x; 4])
        }

        #[inline(always)]
        pub fn from_array(a: [f32; 4]) -> Self {
            Self(a)
        }

        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }

        /// # Safety
        /// `p` must be valid for reading 4 `f32`s; any alignment.
        #[inline(always)]
        pub unsafe fn load(p: *const f32) -> Self {
            // SAFETY: caller guarantees 16 readable bytes; read_unaligned has no alignment need.
            Self(unsafe { p.cast::<[f32; 4]>().read_unaligned() })
        }

        /// # Safety
        /// `p` must be valid for writing 4 `f32`s; any alignment.
        #[inline(always)]
        pub unsafe fn store(self, p: *mut f32) {
            // SAFETY: caller guarantees 16 writable bytes; write_unaligned has no alignment need.
            unsafe { p.cast::<[f32; 4]>().write_unaligned(self.0) }
        }

        #[inline(always)]
        fn zip(self, o: Self, f: impl Fn(f32, f32) -> f32) -> Self {
            Self(core::array::from_fn(|i| f(self.0[i], o.0[i])))
        }

        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            self.zip(o, |a, b| a + b)
        }

        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            self.zip(o, |a, b| a * b)
        }

        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            self.zip(o, |a, b| a - b)
        }

        /// `self <= o` per lane as a mask: -1 (all bits) or 0; false if either is NaN.
        #[inline(always)]
        pub fn le(self, o: Self) -> super::lanes::I32x4 {
            super::lanes::I32x4::from_array(core::array::from_fn(|i| {
                -i32::from(self.0[i] <= o.0[i])
            }))
        }

        /// `self * b + c`, unfused like the `simd128` build.
        #[inline(always)]
        pub fn mul_add(self, b: Self, c: Self) -> Self {
            self.mul(b).add(c)
        }

        /// Lanes `[I0, I1, I2, I3]` of the eight lanes `self ++ o`.
        #[inline(always)]
        pub fn shuffle<const I0: usize, const I1: usize, const I2: usize, const I3: usize>(
            self,
            o: Self,
        ) -> Self {
            let all = [self.0, o.0];
            Self([I0, I1, I2, I3].map(|i| all[i / 4][i % 4]))
        }

        /// Lane-wise minimum; NaN if either lane is NaN, like wasm `f32x4.min`.
        #[inline(always)]
        pub fn min(self, o: Self) -> Self {
            self.zip(o, |a, b| {
                if a.is_nan() || b.is_nan() {
                    f32::NAN
                } else {
                    a.min(b)
                }
            })
        }

        /// Lane-wise maximum; NaN if either lane is NaN, like wasm `f32x4.max`.
        #[inline(always)]
        pub fn max(self, o: Self) -> Self {
            self.zip(o, |a, b| {
                if a.is_nan() || b.is_nan() {
                    f32::NAN
                } else {
                    a.max(b)
                }
            })
        }
    }
}

pub use imp::F32x4;

/// The other lane types (integers, `f64`) and the `F32x4` operations that involve them, for the
/// image and data kernels; same design: `v128` on wasm32, arrays elsewhere.
pub mod lanes;

impl F32x4 {
    pub const LANES: usize = 4;

    #[inline(always)]
    pub fn zero() -> Self {
        Self::splat(0.0)
    }

    /// Transposes the 4×4 block whose rows are `r` into its columns (`out[j]` = column `j`).
    #[inline(always)]
    pub fn transpose4(r: [Self; 4]) -> [Self; 4] {
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

    /// Loads the first `len` (< 4) lanes from `p` and fills the rest with `pad`.
    ///
    /// Tails go through the same vector arithmetic as full vectors, so an element's result
    /// never depends on where it sits relative to a vector boundary (this matters with fused
    /// multiply-add, whose rounding a scalar tail would not reproduce).
    ///
    /// # Safety
    /// `p` must be valid for reading `len` `f32`s.
    #[inline(always)]
    pub unsafe fn load_partial(p: *const f32, len: usize, pad: f32) -> Self {
        debug_assert!(len < Self::LANES);
        let mut a = [pad; 4];
        // SAFETY: caller guarantees `len` readable floats; `a` has room for 4 > len.
        unsafe { core::ptr::copy_nonoverlapping(p, a.as_mut_ptr(), len) };
        Self::from_array(a)
    }

    /// Stores the first `len` (< 4) lanes to `p`.
    ///
    /// # Safety
    /// `p` must be valid for writing `len` `f32`s.
    #[inline(always)]
    pub unsafe fn store_partial(self, p: *mut f32, len: usize) {
        debug_assert!(len < Self::LANES);
        let a = self.to_array();
        // SAFETY: caller guarantees `len` writable floats; `a` is a local copy, so no overlap.
        unsafe { core::ptr::copy_nonoverlapping(a.as_ptr(), p, len) };
    }
}

#[cfg(test)]
mod tests {
    use super::F32x4;

    #[test]
    fn transpose4_turns_rows_into_columns() {
        let rows =
            [0, 1, 2, 3].map(|r| F32x4::from_array(core::array::from_fn(|c| (r * 4 + c) as f32)));
        for (c, col) in F32x4::transpose4(rows).iter().enumerate() {
            assert_eq!(col.to_array(), core::array::from_fn(|r| (r * 4 + c) as f32));
        }
    }

    #[test]
    fn min_max_propagate_nan() {
        let a = F32x4::from_array([1.0, f32::NAN, -3.0, 0.0]);
        let b = F32x4::from_array([f32::NAN, 2.0, -4.0, 5.0]);
        let mn = a.min(b).to_array();
        let mx = a.max(b).to_array();
        assert!(mn[0].is_nan() && mn[1].is_nan() && mx[0].is_nan() && mx[1].is_nan());
        assert_eq!((mn[2], mn[3], mx[2], mx[3]), (-4.0, 0.0, -3.0, 5.0));
    }

    #[test]
    fn partial_load_store_touch_only_len_lanes() {
        let src = [1.0f32, 2.0, 3.0];
        let mut dst = [9.0f32; 4];
        for len in 0..4 {
            // SAFETY: src and dst hold at least `len` floats.
            let v = unsafe { F32x4::load_partial(src.as_ptr(), len, -1.0) };
            let expect: [f32; 4] = core::array::from_fn(|i| if i < len { src[i] } else { -1.0 });
            assert_eq!(v.to_array(), expect);
            unsafe { v.store_partial(dst.as_mut_ptr(), len) };
            assert_eq!(&dst[..len], &src[..len]);
            assert!(dst[len..].iter().all(|&x| x == 9.0));
        }
    }
}
