#!/usr/bin/env bash
# Installs what weft's build and tests need, idempotently, then builds dist/ (wasm + runtime).
#   - Debian packages: chromium (+driver), firefox-esr, and WebKitGTK's webkit2gtk-driver with xvfb
#     (WebKitGTK needs a display) for the browser tests on three engines; Debian's Rust toolchain
#     (rustc-web, cargo-web, rust-web-src for -Zbuild-std) and lld-22 for the wasm build.
#     apt-get runs only when one of them is missing.
#   - npm dependencies: `npm ci` from the lockfile, skipped when node_modules already matches it.
#   - `npm run build`: always (cargo is incremental): wasm, runtime (tsc), CDN bundle (esbuild).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(chromium chromium-driver firefox-esr webkit2gtk-driver xvfb rustc-web cargo-web rust-web-src lld-22)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done
if ((${#missing[@]})); then
  echo "setup: installing missing packages: ${missing[*]}"
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then SUDO=(sudo); fi
  "${SUDO[@]}" apt-get update
  DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y "${missing[@]}"
else
  echo "setup: apt packages present"
fi

# npm dependencies. The stamp records the lockfile that node_modules was installed from.
stamp=node_modules/.weft-installed-from
if [ -f package-lock.json ]; then
  want="$(sha256sum package-lock.json package.json | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "setup: node_modules matches package-lock.json"
  else
    if ! npm ci --no-audit --no-fund; then
      # npm ci refuses a lockfile that lacks an entry npm wants (e.g. an optional platform
      # package the registry does not have): fall back rather than fail the whole run.
      echo "setup: WARNING: npm ci failed; falling back to npm install (package-lock.json needs fixing)" >&2
      npm install --no-audit --no-fund
    fi
    echo "$want" > "$stamp"
  fi
else
  npm install --no-audit --no-fund
fi

npm run build
