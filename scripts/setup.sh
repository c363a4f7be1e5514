#!/usr/bin/env bash
# Shared setup for scripts/play.sh and scripts/test.sh (safe to run again: quick when done).
#   1. Debian's libusb-1.0-0 (pyrealsense2 loads it at import): installed with apt-get when root.
#   2. A virtual environment in .venv made with Python 3.11 (override: PYTHON=/path/to/python3.11).
#   3. RepQuest installed into it, editable, with the dev extras; skipped when pyproject.toml
#      has not changed since the last successful install (hash stored in .venv).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${REPQUEST_VENV:-$ROOT/.venv}"
STAMP="$VENV/.repquest-install"

say() { echo "setup: $*" >&2; }
die() { echo "setup: error: $*" >&2; exit 1; }
is_root() { [ "$(id -u)" = 0 ]; }

have_libusb() {
    if command -v dpkg-query >/dev/null 2>&1; then
        dpkg-query -W -f='${Status}' libusb-1.0-0 2>/dev/null | grep -q "ok installed" && return 0
    fi
    for ldconfig in ldconfig /sbin/ldconfig /usr/sbin/ldconfig; do
        if command -v "$ldconfig" >/dev/null 2>&1; then
            "$ldconfig" -p 2>/dev/null | grep -q 'libusb-1\.0\.so\.0' && return 0
        fi
    done
    return 1
}

apt_install() {  # apt_install PACKAGE...
    say "installing Debian packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed; check the network or your apt sources"
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null || die "apt-get install $* failed"
}

# -- 1. libusb for pyrealsense2 --------------------------------------------------------------------
if ! have_libusb; then
    if is_root && command -v apt-get >/dev/null 2>&1; then
        apt_install libusb-1.0-0
    else
        say "warning: libusb-1.0-0 is not installed, so 'import pyrealsense2' (RealSense cameras) will fail."
        say "         Install it with:  sudo apt-get install libusb-1.0-0   (then run this script again)"
    fi
fi

# -- 2. Python 3.11 and the virtual environment ------------------------------------------------------
PYTHON="${PYTHON:-}"
if [ -n "$PYTHON" ]; then
    "$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null ||
        die "PYTHON=$PYTHON is not a working Python 3.11; point it at python3.11 or unset it"
else
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            PYTHON="$candidate"
            break
        fi
    done
fi
[ -n "$PYTHON" ] || die "RepQuest needs Python 3.11 (mediapipe 0.10.21 has no wheels for other versions); \
found none on PATH. Install it (Debian 12: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3.11"

if [ ! -x "$VENV/bin/python" ]; then
    say "creating $VENV with $("$PYTHON" --version 2>&1)"
    if ! "$PYTHON" -m venv "$VENV" 2>/dev/null; then
        rm -rf "$VENV"
        if is_root && command -v apt-get >/dev/null 2>&1; then
            apt_install python3-venv
            "$PYTHON" -m venv "$VENV" || die "could not create $VENV with $PYTHON"
        else
            die "could not create $VENV: '$PYTHON -m venv' failed; install python3-venv (sudo apt-get install python3-venv)"
        fi
    fi
fi

# -- 3. RepQuest and its dependencies ----------------------------------------------------------------
want="$( (cat "$ROOT/pyproject.toml"; "$VENV/bin/python" --version) | sha256sum | cut -d' ' -f1)"
if ! [ -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ] || ! "$VENV/bin/python" -c 'import game.cli' 2>/dev/null; then
    say "installing RepQuest and its dependencies into $VENV (a few minutes the first time)"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[dev]" ||
        die "pip install failed (see above); RepQuest needs PyPI access for mediapipe, pygame, pyrealsense2..."
    echo "$want" >"$STAMP"
    say "ready: $VENV"
fi

# -- 4. The pose pipeline's compiled kernels (numba) -------------------------------------------------
# Compiled once per machine and code version into numba's cache (__pycache__ beside the sources), so no
# game start or test pays for it; later runs only load them (a second or two).
"$VENV/bin/python" -m sensors.warmup ||
    die "compiling the pose pipeline's kernels failed (see above)"
