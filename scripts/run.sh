#!/usr/bin/env bash
# Set up (first time only) and start convlab. Extra arguments go to main.py (see --help).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh" app
cd "$root"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "convlab: no display found; starting on a virtual screen (xvfb-run)." >&2
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python main.py "$@"
fi
exec .venv/bin/python main.py "$@"
