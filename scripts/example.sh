#!/usr/bin/env bash
# The main job on a fresh machine: install and build what is missing, then run a parallel
# matmul on weft's pool in Node and print info().
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node examples/matmul.mjs "${1:-512}"
