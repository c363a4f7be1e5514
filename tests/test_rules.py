"""Form rules as data: reductions, thresholds, proportion-adapted thresholds, scores, frame rules."""

from __future__ import annotations

import math

import numpy as np
import pytest

from exercises.calibration import Calibration
from exercises.events import Severity, View
from exercises.rules import FrameRuleTracker, fails, judge_rep, reduce, threshold_shift
from exercises.spec import Rule


def rule(**kw: object) -> Rule:
    base: dict[str, object] = {
        "id": "r",
        "measure": "knee",
        "fault_if": {"above": 100},
        "cue": "Go lower",
        "source": "test",
    }
    base.update(kw)
    return Rule.model_validate(base)


@pytest.mark.parametrize(
    ("how", "want"), [("min", 1.0), ("max", 5.0), ("mean", 3.0), ("range", 4.0), ("first", 2.0), ("last", 4.0)]
)
def test_reductions_ignore_nan(how: str, want: float) -> None:
    assert reduce(np.array([2.0, np.nan, 1.0, 5.0, 4.0]), how) == want


def test_reduction_of_nothing_is_nan() -> None:
    assert math.isnan(reduce(np.array([np.nan]), "max"))


def test_fault_if_above_below_and_band() -> None:
    assert fails(rule(), 101)
    assert not fails(rule(), 99)
    assert fails(rule(fault_if={"below": 0.8}), 0.7)
    band = rule(fault_if={"above": 10, "below": 20})
    assert fails(band, 15)
    assert not fails(band, 25)
    assert not fails(band, 5)


def test_nan_never_fails() -> None:
    assert not fails(rule(), math.nan)


def test_adapt_shifts_the_threshold_with_proportions() -> None:
    r = rule(adapt={"by": "thigh_to_torso", "reference": 0.85, "gain": 30})
    long_femur = Calibration(segments_m={"thigh": 0.55, "torso": 0.5})  # ratio 1.1
    assert threshold_shift(r, long_femur) == pytest.approx(7.5)
    assert fails(r, 105)
    assert not fails(r, 105, threshold_shift(r, long_femur))
    assert threshold_shift(r, None) == 0.0


def _rep(knee_min: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0.0, 2.0, 21)
    knee = 170 - (170 - knee_min) * np.sin(np.pi * t / 2.0)
    return t, knee[:, None]


def test_judge_rep_scores_by_failed_weight() -> None:
    rules = [
        rule(id="depth", weight=30),
        rule(id="tempo", measure="rep.duration_s", fault_if={"below": 1.0}, weight=10),
    ]
    t, sig = _rep(knee_min=110)
    v = judge_rep(rules, View.SIDE, t, sig, {"knee": 0}, (0.0, 0.8, 1.2, 2.0), {"rep.duration_s": 2.0})
    assert [f.rule_id for f in v.faults] == ["depth"]
    assert v.score == pytest.approx(100 * (1 - 30 / 40))
    assert not v.good


def test_rules_not_observable_from_the_view_are_left_out() -> None:
    rules = [rule(id="depth", views=["side"])]
    t, sig = _rep(knee_min=110)
    v = judge_rep(rules, View.FRONT, t, sig, {"knee": 0}, (0.0, 0.8, 1.2, 2.0), {})
    assert v.faults == ()
    assert v.score == 100.0
    assert math.isnan(v.measured["depth"])


def test_windows_select_part_of_the_rep() -> None:
    r = rule(id="bottom", reduce="max", window="turn", fault_if={"above": 150})
    t, sig = _rep(knee_min=90)
    inside = judge_rep([r], View.SIDE, t, sig, {"knee": 0}, (0.0, 0.8, 1.2, 2.0), {})
    whole = judge_rep(
        [r.model_copy(update={"window": "rep"})], View.SIDE, t, sig, {"knee": 0}, (0.0, 0.8, 1.2, 2.0), {}
    )
    assert inside.faults == ()
    assert [f.rule_id for f in whole.faults] == ["bottom"]


def test_info_faults_keep_a_rep_good() -> None:
    t, sig = _rep(knee_min=110)
    v = judge_rep([rule(severity="info")], View.SIDE, t, sig, {"knee": 0}, (0.0, 0.8, 1.2, 2.0), {})
    assert v.faults[0].severity is Severity.INFO
    assert v.good


def test_frame_rule_must_persist_before_it_fires_once() -> None:
    tracker = FrameRuleTracker([rule(window="frame", persist_s=0.5)], {"knee": 0})
    fired = [tracker.update(k / 10, View.SIDE, np.array([120.0]), None) for k in range(10)]
    assert [k for k, f in enumerate(fired) if f] == [5]
    assert not tracker.in_form
    tracker.update(1.1, View.SIDE, np.array([90.0]), None)
    assert tracker.in_form
