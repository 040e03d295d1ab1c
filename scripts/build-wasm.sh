#!/usr/bin/env bash
# Builds kernels-rs into the two WebAssembly variants the runtime picks between at load time:
#   dist/wasm/weft_kernels.relaxed.wasm  (+relaxed-simd: f32x4.relaxed_madd)
#   dist/wasm/weft_kernels.simd128.wasm  (plain SIMD128)
# Both are threaded: they import ONE shared memory (env.memory) and export the TLS/stack
# hooks the runtime needs to give every worker its own stack and thread-locals.
# Why cargo and not wasm-pack: see docs/ARCHITECTURE.md, "Building the kernels".
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's toolchain (rustc-web & co.) lives in /usr/bin; rustup's, earlier on PATH, has no wasm32 target.
export PATH="/usr/bin:$PATH"
export RUSTC_BOOTSTRAP=1   # -Zbuild-std: std must be rebuilt with +atomics for shared memory

MAX_MEMORY=$((4 * 1024 * 1024 * 1024))   # 4 GiB: the wasm32 ceiling; pages are reserved, not committed
COMMON="-C target-feature=+atomics,+bulk-memory,+mutable-globals,+simd128 \
 -C link-arg=--shared-memory -C link-arg=--import-memory -C link-arg=--max-memory=$MAX_MEMORY \
 -C link-arg=--export=__wasm_init_tls -C link-arg=--export=__tls_size -C link-arg=--export=__tls_align \
 -C link-arg=--export=__stack_pointer"

mkdir -p dist/wasm
build() { # variant extra-features
  local variant=$1 extra=$2
  RUSTFLAGS="$COMMON $extra" cargo build --quiet --release --target wasm32-unknown-unknown \
    -Zbuild-std=std,panic_abort -p weft-kernels --target-dir "target/wasm-$variant"
  cp "target/wasm-$variant/wasm32-unknown-unknown/release/weft_kernels.wasm" "dist/wasm/weft_kernels.$variant.wasm"
}
build relaxed "-C target-feature=+relaxed-simd"
build simd128 ""
ls -l dist/wasm
