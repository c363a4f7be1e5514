"""Compile (or load from numba's cache) every per-frame kernel of the pose pipeline, once, up front.

The depth-fusion and player-lock kernels compile when their modules are
imported, the tracker's when the first :class:`~sensors.tracking.PoseTracker`
is built. Compiling takes tens of seconds the first time on a machine (and
after the kernels' code changes); ``scripts/setup.sh`` runs this module so
that neither a game start nor a test pays for it. Later runs load the cached
machine code in a second or two.

Run: ``python -m sensors.warmup``.
"""

from __future__ import annotations

import sys
import time


def warm_up() -> float:
    """Build a whole pipeline (every stage's kernels compiled or loaded); returns the seconds it took."""
    t0_s = time.perf_counter()
    from sensors.pipeline import PosePipeline

    PosePipeline()
    return time.perf_counter() - t0_s


def main() -> int:
    took_s = warm_up()
    if took_s > 5.0:  # a real compile, not a cache load: worth a line
        print(f"setup: compiled the pose pipeline's kernels in {took_s:.0f} s (cached from now on)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
