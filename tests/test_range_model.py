"""The player's range of the counted signal and the thresholds it moves, driven with plain numbers."""

from __future__ import annotations

import numpy as np
import pytest

from exercises import load_library
from exercises.counter import RepCounter, RepTiming
from exercises.gates import ReadyGate
from exercises.range_model import RangeModel, Thresholds, Tuning, max_shift, shift_for_rest

SQUAT = load_library()["squat"]
C = SQUAT.counting
assert C is not None
FPS = 30.0


def feed(model: RangeModel, values: np.ndarray, t0: float = 0.0) -> None:
    for k, v in enumerate(values):
        model.update(t0 + k / FPS, float(v))


def test_a_straight_standing_knee_moves_nothing() -> None:
    model = RangeModel(C, demand=155.0)
    feed(model, np.full(60, 172.0))
    assert model.shift == 0.0
    assert model.thresholds == Thresholds.of(C)


def test_a_monocular_standing_knee_of_152_slides_the_start_zone_and_ready_bound_below_it() -> None:
    model = RangeModel(C, demand=155.0)
    feed(model, 152.0 + np.random.default_rng(1).uniform(-1, 1, 60))
    th = model.thresholds
    assert model.rest == pytest.approx(152.0, abs=1.0)
    assert th.start_enter < 150.0
    assert model.shifted_condition(155.0) < 151.0  # the ready pose "knee above 155" now passes at 151-153
    # the bands are kept: hysteresis and the turn are as written
    assert th.start_enter - th.start_exit == pytest.approx(C.start.enter - C.start.exit)
    assert (th.turn_enter, th.turn_exit) == (C.turn.enter, C.turn.exit)


def test_the_slide_is_bounded_so_a_held_half_squat_is_never_a_start_position() -> None:
    model = RangeModel(C, demand=155.0)
    feed(model, np.full(90, 120.0))
    assert model.shift == pytest.approx(max_shift(Thresholds.of(C)))
    assert model.offset == 0.0  # it never goes past the turn
    assert model.thresholds.start_exit > model.thresholds.turn_exit
    assert model.thresholds.partial > model.thresholds.turn_enter
    assert model.shifted_condition(155.0) > 130.0


def test_a_range_offset_past_the_turn_moves_the_whole_set_and_a_rep_still_spans_it() -> None:
    """A sit-up filmed by a camera looking down: every trunk position reads more upright (rest 0.58, top 0.80)."""
    situp = load_library()["situp"].counting
    assert situp is not None
    prior = Thresholds.of(situp)
    model = RangeModel(situp)
    t = np.arange(0, 10, 1 / FPS)
    feed(model, 0.69 + 0.11 * np.cos(2 * np.pi * t / 2.5))
    th = model.thresholds
    assert model.offset > 0.0
    assert th.start_enter >= model.rest + 0.5 * abs(prior.start_enter - prior.start_exit) - 1e-9  # rest inside
    assert th.turn_enter < model.top  # the turn still passed
    assert th.turn_enter - th.turn_exit == pytest.approx(prior.turn_enter - prior.turn_exit)  # bands as written
    assert th.turn_enter - th.start_enter >= (prior.turn_enter - prior.start_enter) - max_shift(prior) - 1e-9


def test_small_pulses_at_the_bottom_never_open_a_start_zone() -> None:
    model = RangeModel(C, demand=155.0)
    t = np.arange(0, 10, 1 / FPS)
    feed(model, 105.0 + 10.0 * np.sin(2 * np.pi * t))  # squat pulses 95-115 deg, never standing
    assert model.thresholds.start_enter > model.rest  # the pulses' high end is no start position


def test_a_zero_max_shift_keeps_the_library_thresholds() -> None:
    assert shift_for_rest(Thresholds.of(C), 140.0, 155.0, Tuning(max_shift_of_span=0.0)) == 0.0


def test_an_increasing_signal_slides_the_other_way() -> None:
    jack = load_library()["jumping_jack"].counting
    assert jack is not None
    prior = Thresholds.of(jack)
    shift = shift_for_rest(prior, 70.0)  # arms "down" reading 70 deg
    assert shift > 0
    assert prior.shifted(shift).start_enter > prior.start_enter


def test_one_spike_does_not_set_the_rest_level() -> None:
    model = RangeModel(C, demand=155.0)
    values = np.full(90, 150.0)
    values[40] = 179.0  # one glitching frame
    feed(model, values)
    assert model.rest == pytest.approx(150.0)


def test_ready_gate_with_moved_bound_is_passed_by_a_stander_at_151_to_153_deg() -> None:
    """The issue's barbell squatter: the knee reads 151-153 deg standing; the ready pose must hold."""
    model = RangeModel(C, demand=155.0)
    index = {name: k for k, name in enumerate(SQUAT.signals)}
    gate = ReadyGate(SQUAT.ready.when, SQUAT.ready.hold_s, index)
    rng = np.random.default_rng(2)
    values = np.zeros(len(index))
    held_at = None
    for k in range(60):
        t = k / FPS
        knee = 152.0 + rng.uniform(-1.0, 1.0)
        model.update(t, knee)
        values[index["knee"]], values[index["trunk_lean"]] = knee, 8.0
        if gate.update(t, values, True, {"knee": (model.shifted_condition(155.0), None)}):
            held_at = t
            break
    assert held_at is not None
    assert held_at < 1.5
    # without the range model, the same stander never gets there
    fixed = ReadyGate(SQUAT.ready.when, SQUAT.ready.hold_s, index)
    assert not any(fixed.update(k / FPS, values, True) for k in range(60))
    assert fixed.closest["knee"].above == 155.0


def test_moved_thresholds_still_count_no_dither() -> None:
    """+-3 deg around every moved threshold, after standing at 148 deg: no rep."""
    rng = np.random.default_rng(0)
    model = RangeModel(C, demand=155.0)
    feed(model, np.full(60, 148.0))
    th = model.thresholds
    assert model.shift > 0
    for centre in (th.start_enter, th.start_exit, th.partial, th.turn_exit, th.turn_enter):
        counter = RepCounter(C)
        counter.set_thresholds(th)
        counter.arm(0.0)
        values = np.concatenate([np.full(15, 148.0), centre + rng.uniform(-3, 3, 90)])
        events = [e for k, v in enumerate(values) for e in counter.update(k / FPS, float(v))]
        assert not [e for e in events if isinstance(e, RepTiming)], f"dither around {centre:.1f}"
