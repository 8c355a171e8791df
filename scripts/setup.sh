#!/usr/bin/env bash
# Set up everything convlab needs: Qt's system libraries, a virtual environment in .venv and the
# Python packages of the given extra ("app", "test" or "bench"). Re-running it is fast and changes nothing.
set -euo pipefail
extra="${1:-app}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# System libraries: libpulse0 for QtMultimedia, xvfb and the xcb libraries for a real window,
# fonts so that text does not render as empty boxes.
sys_packages=(libpulse0 libegl1 libgl1 libglib2.0-0 libfontconfig1 libfreetype6 libxkbcommon0
  libdbus-1-3 fonts-dejavu-core xvfb libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4
  libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xfixes0
  libxcb-xkb1 libx11-xcb1)
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${sys_packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    cmd="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "convlab setup: installing system libraries: ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq </dev/null >/dev/null
      apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
    else
      echo "convlab setup: missing system libraries. Run as root:" >&2
      echo "  sudo sh -c '$cmd'" >&2
      exit 1
    fi
  fi
else
  echo "convlab setup: not a Debian system; make sure Qt's libraries (libpulse, libEGL, libGL, fontconfig, xcb) are installed." >&2
fi

# Python environment.
python="${PYTHON:-python3}"
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "convlab setup: Python >= 3.11 is required ($python is $("$python" --version 2>&1))." >&2
  exit 1
fi
[ -x .venv/bin/python ] || "$python" -m venv .venv
case "$extra" in
  app) spec="." ;;
  test) spec=".[test]" ;;
  bench) spec=".[test,bench]" ;;
  *) echo "convlab setup: unknown extra '$extra' (app, test, bench)" >&2; exit 2 ;;
esac
stamp=".venv/.convlab-$extra"
want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "convlab setup: installing Python packages ($spec) into .venv"
  .venv/bin/python -m pip install -q --upgrade pip </dev/null
  .venv/bin/python -m pip install -q -e "$spec" </dev/null
  echo "$want" >"$stamp"
fi
