"""Compare a rep with a reference rep: DTW on normalised joint-angle trajectories plus aligned 3D."""

from __future__ import annotations

import numpy as np
import pytest

from exercises import compare_to_reference, load_library
from exercises.reference import dtw
from sensors.pose import PoseFrame
from sensors.synthetic import SyntheticConfig, SyntheticSensor

SQUAT = load_library()["squat"]


def one_rep(tempo_s: float = 3.0, fault: tuple[str, ...] = (), seed: int = 1) -> list[PoseFrame]:
    config = SyntheticConfig(exercise="squat", view="side", reps=1, tempo_s=tempo_s, fault=fault, seed=seed)
    with SyntheticSensor(config) as s:
        return [f for f in s if f.meta["rep_index"] == 0]


def test_dtw_of_a_sequence_with_itself_is_zero_on_the_diagonal() -> None:
    a = np.sin(np.linspace(0, 3, 20))[:, None]
    cost, path = dtw(a, a)
    assert cost == 0.0
    assert path == [(i, i) for i in range(20)]


def test_dtw_aligns_a_time_stretched_copy() -> None:
    a = np.sin(np.linspace(0, 3, 20))[:, None]
    b = np.sin(np.linspace(0, 3, 40))[:, None]
    cost, path = dtw(a, b)
    assert cost < 0.05
    assert path[0] == (0, 0)
    assert path[-1] == (19, 39)


def test_the_same_rep_scores_near_full_marks() -> None:
    rep = one_rep()
    result = compare_to_reference(rep, rep, SQUAT)
    assert result.score > 99
    assert result.errors["knee"] == pytest.approx(0.0)


def test_a_slower_rep_of_the_same_form_still_scores_high() -> None:
    result = compare_to_reference(one_rep(tempo_s=4.5, seed=2), one_rep(tempo_s=3.0), SQUAT)
    assert result.score > 80


def test_a_faulty_rep_scores_lower_than_a_clean_one() -> None:
    ref = one_rep()
    clean = compare_to_reference(one_rep(seed=3), ref, SQUAT)
    shallow = compare_to_reference(one_rep(fault=("shallow",), seed=3), ref, SQUAT)
    lean = compare_to_reference(one_rep(fault=("forward_lean",), seed=3), ref, SQUAT)
    assert shallow.score < clean.score - 10
    assert lean.score < clean.score - 5
    assert shallow.errors["knee"] > 15


def test_empty_rep_scores_zero() -> None:
    assert compare_to_reference([], one_rep(), SQUAT).score == 0.0
