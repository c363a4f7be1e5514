#!/usr/bin/env bash
# Set up (once) and play RepQuest: `bash scripts/play.sh [repquest play options]`.
# With no camera it plays the synthetic demo; with no display it runs headless, prints what
# happened and saves screenshots in ./out/screenshots.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh"
exec "${REPQUEST_VENV:-$ROOT/.venv}/bin/repquest" play "$@"
