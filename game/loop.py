"""The game loop's heartbeat: ``for dt_s in frames(fps): ...`` (Pygame Zero style)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

#: a frame never reports more than this, so a stall (debugger, slow disk) cannot teleport the game
MAX_DT_S = 0.25


def frames(
    fps: float,
    *,
    now: Callable[[], float] = time.perf_counter,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[float]:
    """Yield the wall seconds since the previous frame, sleeping to hold ``fps``.

    The first frame yields ``1 / fps``. Runs until the consumer stops iterating.
    """
    if not fps > 0:
        raise ValueError(f"fps must be > 0, found {fps}")
    period_s = 1.0 / fps
    last_s = now()
    next_s = last_s + period_s
    yield period_s
    while True:
        wait_s = next_s - now()
        if wait_s > 0:
            sleep(wait_s)
        t_s = now()
        # schedule from the ideal time, but never try to catch up more than one frame
        next_s = max(next_s + period_s, t_s)
        dt_s = min(MAX_DT_S, t_s - last_s)
        last_s = t_s
        yield dt_s
