"""The ready and posture gates as small objects over numbers."""

from __future__ import annotations

import math

import numpy as np

from exercises.gates import Debounced, ReadyGate, first_failing
from exercises.spec import Condition

INDEX = {"knee": 0, "trunk": 1}
CONDS = [Condition(signal="knee", above=155), Condition(signal="trunk", below=30)]


def test_first_failing_names_the_condition_and_the_value() -> None:
    f = first_failing(CONDS, np.array([150.0, 10.0]), INDEX)
    assert f is not None
    assert (f.signal, f.above, f.value) == ("knee", 155, 150.0)
    assert f.describe("°") == "knee above 155° (measured 150°)"
    assert first_failing(CONDS, np.array([160.0, 10.0]), INDEX) is None


def test_a_moved_bound_replaces_the_written_one() -> None:
    assert first_failing(CONDS, np.array([150.0, 10.0]), INDEX, {"knee": (147.0, None)}) is None


def test_an_unmeasurable_signal_fails() -> None:
    f = first_failing(CONDS, np.array([math.nan, 10.0]), INDEX)
    assert f is not None
    assert "not measurable" in f.describe()


def test_debounced_fails_only_after_its_grace() -> None:
    d = Debounced(0.5)
    assert d.update(0.0, False)
    assert d.update(0.4, False)
    assert not d.update(0.5, False)
    assert d.update(0.6, True)


def test_ready_gate_holds_after_hold_s_and_a_break_restarts_it() -> None:
    gate = ReadyGate(CONDS, 0.5, INDEX)
    ok, bad = np.array([160.0, 5.0]), np.array([160.0, 40.0])
    assert not gate.update(0.0, ok, True)
    assert not gate.update(0.3, bad, True)
    assert not gate.update(0.4, ok, True)
    assert gate.update(0.9, ok, True)


def test_ready_gate_records_what_kept_it_shut() -> None:
    gate = ReadyGate(CONDS, 0.5, INDEX)
    for k, knee in enumerate((140.0, 150.0, 146.0)):
        gate.update(k * 0.1, np.array([knee, 5.0]), True)
    assert gate.blocked_s["knee"] > 0
    assert gate.closest["knee"].value == 150.0


def test_no_player_breaks_the_hold() -> None:
    gate = ReadyGate(CONDS, 0.2, INDEX)
    ok = np.array([160.0, 5.0])
    gate.update(0.0, ok, True)
    gate.update(0.1, ok, False)
    assert not gate.update(0.25, ok, True)
