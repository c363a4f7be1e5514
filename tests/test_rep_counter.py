"""The rep state machine, fed scripted (time, value) sequences."""

from __future__ import annotations

import numpy as np
import pytest

from exercises.counter import RepCounter, RepTiming
from exercises.events import PartialRep, Phase, PhaseChanged
from exercises.spec import Band, Counting, Range

FPS = 30.0


def squat_counting(**kw: object) -> Counting:
    base = dict(
        start=Band(enter=155, exit=145),
        turn=Band(enter=115, exit=125),
        partial=140,
        min_dwell_s=0.1,
        rep_s=Range(min=0.6, max=12),
        source="test",
    )
    base.update(kw)
    return Counting(**base)  # type: ignore[arg-type]


def run(counter: RepCounter, values: np.ndarray, t0: float = 0.0) -> list[object]:
    out: list[object] = []
    for k, v in enumerate(values):
        out += counter.update(t0 + k / FPS, float(v))
    return out


def reps_of(events: list[object]) -> list[RepTiming]:
    return [e for e in events if isinstance(e, RepTiming)]


def cosine_reps(n: int, top: float, bottom: float, period_s: float, hold_s: float = 0.5) -> np.ndarray:
    t = np.arange(0, n * period_s, 1 / FPS)
    wave = top + (bottom - top) * 0.5 * (1 - np.cos(2 * np.pi * t / period_s))
    pad = np.full(int(hold_s * FPS), top)
    return np.concatenate([pad, wave, pad])


def armed(counting: Counting | None = None) -> RepCounter:
    c = RepCounter(counting or squat_counting())
    c.arm(0.0)
    return c


def test_counts_each_full_cycle_once() -> None:
    events = run(armed(), cosine_reps(5, 175, 80, 2.0))
    assert len(reps_of(events)) == 5


def test_no_count_before_arm() -> None:
    c = RepCounter(squat_counting())
    assert run(c, cosine_reps(3, 175, 80, 2.0)) == []
    assert c.phase is Phase.IDLE


def test_dither_around_start_exit_counts_nothing() -> None:
    t = np.arange(0, 2.0, 1 / FPS)
    values = 145 + 3 * np.sign(np.sin(2 * np.pi * 7 * t))  # +-3 deg square wave at 7 Hz
    events = run(armed(), np.concatenate([np.full(15, 170), values]))
    assert not reps_of(events)
    assert not [e for e in events if isinstance(e, PartialRep)]


@pytest.mark.parametrize("centre", [155.0, 145.0, 140.0, 125.0, 115.0])
def test_dither_around_any_threshold_never_completes_a_rep(centre: float) -> None:
    rng = np.random.default_rng(int(centre))
    t = np.arange(0, 2.0, 1 / FPS)
    dither = centre + rng.uniform(-3, 3, t.size)
    events = run(armed(), np.concatenate([np.full(15, 170), dither]))
    assert not reps_of(events)


def test_single_frame_glitch_is_ignored() -> None:
    values = np.full(90, 170.0)
    values[40] = 60.0  # one frame where the elbow "snaps"
    events = run(armed(), values)
    assert not [e for e in events if isinstance(e, PhaseChanged) and e.phase is Phase.AWAY]


def test_half_rep_is_a_partial_not_a_rep() -> None:
    events = run(armed(), cosine_reps(1, 175, 130, 2.0))
    assert not reps_of(events)
    partials = [e for e in events if isinstance(e, PartialRep)]
    assert len(partials) == 1
    assert 0.3 < partials[0].depth_fraction < 0.8


def test_small_wobble_is_neither_rep_nor_partial() -> None:
    # 25 deg: short of `partial` (140) and of the default excursion (0.7 of the 40 deg start-to-turn span)
    events = run(armed(), cosine_reps(2, 175, 150, 2.0))
    assert events == [] or all(isinstance(e, PhaseChanged) for e in events)


def test_small_excursion_inside_a_wide_start_zone_is_a_partial() -> None:
    # a sit-up-like signal (increasing into the rep) whose start zone spans lying (0) to reclined (0.49)
    c = squat_counting(
        start=Band(enter=0.49, exit=0.52), turn=Band(enter=0.6, exit=0.56), partial=0.52, partial_excursion=0.3
    )
    crunch = 0.44 * np.sin(np.linspace(0, np.pi, 45))
    events = run(armed(c), np.concatenate([np.zeros(15), crunch, np.zeros(15), crunch, np.zeros(15)]))
    assert len([e for e in events if isinstance(e, PartialRep)]) == 2
    assert not reps_of(events)


def test_an_excursion_partial_says_when_and_how_far_it_went() -> None:
    """An excursion partial carries its start, its extreme and when it got there (what a shallow set
    needs to count it), in the signal's own units."""
    c = squat_counting(partial_excursion=25.0)  # a squat's knee: start 155/145, partial 140
    dip = 178 - 30 * np.sin(np.linspace(0, np.pi, 45))  # to 148 deg: inside the start zone
    events = run(armed(c), np.concatenate([np.full(15, 178.0), dip, np.full(15, 178.0)]))
    (partial,) = [e for e in events if isinstance(e, PartialRep)]
    assert partial.extreme == pytest.approx(148.0, abs=0.5)
    assert partial.start_t_s < partial.extreme_t_s < partial.t_s
    assert partial.extreme_t_s == pytest.approx((15 + 22) / 30, abs=0.05)


def test_a_dip_out_of_the_start_zone_short_of_partial_is_a_partial_with_an_excursion() -> None:
    c = squat_counting(start=Band(enter=155, exit=145), partial=130.0, partial_excursion=25.0)
    dip = 178 - 38 * np.sin(np.linspace(0, np.pi, 45))  # to 140: out of the start zone, not past partial
    values = np.concatenate([np.full(15, 178.0), dip, np.full(15, 178.0)])
    assert len([e for e in run(armed(c), values) if isinstance(e, PartialRep)]) == 1
    farther = squat_counting(start=Band(enter=155, exit=145), partial=130.0, partial_excursion=45.0)
    assert not [e for e in run(armed(farther), values) if isinstance(e, PartialRep)]


def test_without_partial_excursion_a_move_of_most_of_the_span_from_rest_is_a_partial() -> None:
    """The default excursion is 0.7 of the start-to-turn span (40 deg here): 30 deg from rest and back is
    a partial, 25 deg is not."""
    c = squat_counting(start=Band(enter=155, exit=145), partial=130.0)
    for dip_deg, partials in ((30.0, 1), (25.0, 0)):
        values = np.concatenate(
            [np.full(15, 178.0), 178 - dip_deg * np.sin(np.linspace(0, np.pi, 45)), np.full(15, 178.0)]
        )
        assert len([e for e in run(armed(c), values) if isinstance(e, PartialRep)]) == partials, dip_deg


def test_small_wobble_inside_a_wide_start_zone_is_nothing() -> None:
    c = squat_counting(
        start=Band(enter=0.49, exit=0.52), turn=Band(enter=0.6, exit=0.56), partial=0.52, partial_excursion=0.3
    )
    wobble = 0.42 + 0.06 * np.sin(np.linspace(0, 6 * np.pi, 90))
    assert not [e for e in run(armed(c), wobble) if isinstance(e, PartialRep)]


def test_rep_timing_splits_descent_pause_and_ascent() -> None:
    down = np.linspace(170, 80, 30)  # 1 s
    pause = np.full(60, 80.0)  # 2 s at the bottom
    up = np.linspace(80, 170, 15)  # 0.5 s
    values = np.concatenate([np.full(15, 170), down, pause, up, np.full(15, 170)])
    (rep,) = reps_of(run(armed(), values))
    assert rep.turn_t_s - rep.start_t_s == pytest.approx((155 - 115) / 90, abs=0.07)  # 155 -> 115 of a 90 deg/s descent
    assert rep.leave_turn_t_s - rep.turn_t_s > 1.9
    assert rep.end_t_s - rep.leave_turn_t_s < 0.6
    assert rep.extreme == pytest.approx(80.0)


def test_too_fast_cycle_is_not_a_rep() -> None:
    events = run(armed(squat_counting(min_dwell_s=0.0)), cosine_reps(1, 175, 80, 0.4))
    assert not reps_of(events)


def test_too_slow_cycle_is_not_a_rep() -> None:
    events = run(armed(squat_counting(rep_s=Range(min=0.5, max=3.0))), cosine_reps(1, 175, 80, 8.0))
    assert not reps_of(events)


def test_increasing_signal_counts_the_same_way() -> None:
    c = squat_counting(start=Band(enter=30, exit=40), turn=Band(enter=70, exit=60), partial=50)
    events = run(armed(c), cosine_reps(4, 5, 90, 2.0))
    assert len(reps_of(events)) == 4


def test_disarm_drops_the_rep_in_progress() -> None:
    c = armed()
    run(c, np.linspace(170, 80, 40))
    assert c.phase is Phase.TURN
    c.disarm(2.0)
    events = run(c, np.linspace(80, 170, 40), t0=2.1)
    assert not reps_of(events)
    assert c.phase is Phase.IDLE


def test_nan_samples_are_skipped() -> None:
    values = cosine_reps(3, 175, 80, 2.0)
    values[::4] = np.nan
    assert len(reps_of(run(armed(), values))) == 3


def test_low_frame_rate_still_counts() -> None:
    c = armed()
    t = np.arange(0, 6.3, 0.2)  # 5 fps, 2 s reps (and the start of a 4th)
    values = 127.5 + 47.5 * np.cos(2 * np.pi * t / 2.0)
    events = [e for k, v in zip(t, values, strict=True) for e in c.update(float(k), float(v))]
    assert len(reps_of(events)) == 3


def _library_countings() -> list[object]:
    from exercises import load_library

    return [pytest.param(d.counting, id=n) for n, d in sorted(load_library().items()) if d.counting is not None]


@pytest.mark.parametrize("counting", _library_countings())
def test_library_thresholds_never_count_a_dither(counting: Counting) -> None:
    """+-3 deg (or 3 % of the range for non-angle signals) around any threshold for 2 s counts nothing."""
    c = counting
    span = abs(c.start.enter - c.turn.enter)
    amp = 3.0 if span > 20 else 0.03 * span
    rng = np.random.default_rng(0)
    t = np.arange(0, 2.0, 1 / FPS)
    start = c.start.enter + (c.start.enter - c.turn.enter) * 0.3  # well inside the start zone
    for centre in (c.start.enter, c.start.exit, c.partial, c.turn.exit, c.turn.enter):
        counter = armed(c)
        dither = centre + amp * np.where(rng.random(t.size) < 0.5, -1.0, 1.0) * rng.uniform(0.3, 1.0, t.size)
        events = run(counter, np.concatenate([np.full(15, start), dither]))
        # counted on reaching the turn (a knee drive), the move from the start to the turn is one rep;
        # the dither itself never adds one
        allowed = 1 if c.count_at == "turn" else 0
        assert len(reps_of(events)) <= allowed, f"dither around {centre}"


def test_armed_mid_descent_counts_the_rep_whose_bottom_and_return_it_sees() -> None:
    """A clip that starts mid-rep: the knee at 140 and still going down, bottom, back up."""
    t = np.arange(0, 2.0, 1 / FPS)
    values = 140 - 60 * np.sin(np.pi * t / 2.0) * (t < 1.0) - 60 * (t >= 1.0) + 100 * np.clip(t - 1.0, 0, 0.7)
    (rep,) = reps_of(run(armed(), values))
    assert rep.start_t_s == 0.0
    assert rep.extreme < 90


def test_armed_during_a_return_counts_nothing() -> None:
    """The stream starts with the player already coming back up (the turn happened before it)."""
    values = np.concatenate([np.linspace(100, 175, 30), np.full(15, 175)])
    events = run(armed(), values)
    assert not reps_of(events)
    assert not [e for e in events if isinstance(e, PartialRep)]


def test_a_deep_rep_from_a_low_rest_is_back_before_start_enter() -> None:
    """A lunge that starts at 144, goes to 93 and comes back to 138: back within a quarter of its depth."""
    c = squat_counting(start=Band(enter=140, exit=130), turn=Band(enter=105, exit=115), partial=125)
    values = np.concatenate([np.full(10, 144), np.linspace(144, 93, 25), np.linspace(93, 138, 25), np.full(10, 138)])
    assert len(reps_of(run(armed(c), values))) == 1
    strict = RepCounter(c, return_slack_of_depth=0.0)
    strict.arm(0.0)
    assert not reps_of(run(strict, values))


def test_flush_counts_a_rep_back_at_the_start_when_the_stream_ends() -> None:
    c = armed()
    # back at its return level (175 - 0.25 * 95 = 151 deg) for one frame only: the dwell is not over
    values = np.concatenate([np.full(10, 175), np.linspace(175, 80, 20), np.linspace(80, 152, 20)])
    assert not reps_of(run(c, values))
    assert len(reps_of(c.flush(len(values) / FPS))) == 1


def test_flush_does_not_count_a_rep_still_at_the_bottom() -> None:
    c = armed()
    run(c, np.concatenate([np.full(10, 175), np.linspace(175, 80, 20), np.full(10, 80)]))
    assert c.flush(2.0) == []


def test_count_at_turn_counts_each_drive_once_it_peaks() -> None:
    c = armed(squat_counting(count_at="turn", min_dwell_s=0.04, rep_s=Range(min=0.25, max=4)))
    values = cosine_reps(4, 175, 90, 0.6, hold_s=0.2)[:-6]  # the last drive never comes all the way down
    reps = reps_of(run(c, values))
    assert len(reps) == 4
    assert all(r.leave_turn_t_s == r.end_t_s for r in reps)
