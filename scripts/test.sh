#!/usr/bin/env bash
# Set up (first time only), check the tree with ruff, and run the whole test suite offscreen (the tests,
# the engine's, io's and lab's docstring examples). Extra arguments go to pytest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" test
cd "$root"
.venv/bin/python -m ruff check --quiet . || { echo "convlab: ruff found the problems above" >&2; exit 1; }
export QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="qt.multimedia.*=false"
exec .venv/bin/python -m pytest "$@"
