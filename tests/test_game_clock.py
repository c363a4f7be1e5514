"""The game loop's heartbeat and the pausable game clock."""

from __future__ import annotations

import itertools

import pytest

from game.clock import GameClock
from game.loop import MAX_DT_S, frames


class FakeTime:
    """A wall clock that only moves when slept (or pushed)."""

    def __init__(self) -> None:
        self.now_s = 100.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.now_s

    def sleep(self, s: float) -> None:
        self.slept.append(s)
        self.now_s += s


def test_frames_hold_the_frame_rate() -> None:
    t = FakeTime()
    dts = list(itertools.islice(frames(20, now=t.now, sleep=t.sleep), 5))
    assert dts == pytest.approx([0.05] * 5)


def test_slow_frame_is_reported_but_clamped() -> None:
    t = FakeTime()
    gen = frames(30, now=t.now, sleep=t.sleep)
    next(gen)
    t.now_s += 0.1  # a frame that took 100 ms of work
    assert next(gen) == pytest.approx(0.1)
    t.now_s += 5.0  # a stall
    assert next(gen) == MAX_DT_S


def test_frames_rejects_zero_fps() -> None:
    with pytest.raises(ValueError, match="fps must be > 0"):
        next(frames(0))


def test_paused_clock_stands_still_while_wall_time_runs() -> None:
    clock = GameClock()
    clock.advance(1.0)
    clock.pause()
    assert clock.advance(2.0) == 0.0
    clock.resume()
    assert clock.advance(0.5) == 0.5
    assert clock.t_s == 1.5
    assert clock.wall_s == 3.5


def test_scaled_clock_runs_faster() -> None:
    clock = GameClock(scale=4.0)
    assert clock.advance(0.25) == 1.0
