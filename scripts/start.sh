#!/usr/bin/env bash
# The demo site in one command: installs and builds what weft needs (scripts/setup.sh), then
# `npm start`: builds the site into dist/site/ and serves it with COOP/COEP, printing its URL.
# Extra arguments go to the server, e.g. `bash scripts/start.sh --host=0.0.0.0 --port=8080`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec npm start -- "$@"
