#!/usr/bin/env bash
# Set up (first time only) and run the whole test suite offscreen. Extra arguments go to pytest.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" test
cd "$root"
export QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES="qt.multimedia.*=false"
exec .venv/bin/python -m pytest "$@"
