#!/usr/bin/env bash
# Set up (once), lint and run the whole test suite: `bash scripts/test.sh [pytest options]`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${REPQUEST_VENV:-$ROOT/.venv}"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
export SDL_VIDEODRIVER="${SDL_VIDEODRIVER:-dummy}" SDL_AUDIODRIVER="${SDL_AUDIODRIVER:-dummy}"
echo "test: ruff check" >&2
"$VENV/bin/ruff" check .
echo "test: pytest" >&2
exec "$VENV/bin/python" -m pytest "$@"
