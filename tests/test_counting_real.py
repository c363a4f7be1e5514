"""Counting from the player's own range on the hard shared clips (issue 8): short clips that start
moving at once, clips that start mid-set, per-leg knee drives, shallow squats, variants."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from exercises import load_library
from game.report.analysis import Analysis, analyze_frames
from tests.realclips import clip_frames, clip_label

pytestmark = pytest.mark.realdata


@cache
def _analysis(data: Path, stem: str, exercise: str) -> Analysis:
    return analyze_frames(clip_frames(data, stem), load_library()[exercise])


def analysis(shared_data: Path, stem: str, exercise: str | None = None) -> Analysis:
    return _analysis(shared_data, stem, exercise or clip_label(shared_data, stem).exercise)


@pytest.mark.parametrize("stem", ["pushup_side_f", "lunge_front34_d", "pushup_side_g"])
def test_short_clip_that_starts_moving_at_once_counts_its_reps(shared_data: Path, stem: str) -> None:
    """One or two reps in 1.7-4.4 s, no ready pose held before them."""
    s = analysis(shared_data, stem).summary
    assert s.reps == clip_label(shared_data, stem).reps


@pytest.mark.parametrize("stem", ["pushup_side_e", "glute_bridge_side_e", "glute_bridge_side_d"])
def test_clip_starting_mid_set_counts_the_rep_whose_bottom_and_return_are_in_it(shared_data: Path, stem: str) -> None:
    a = analysis(shared_data, stem)
    first = a.summary.per_rep[0]
    assert a.summary.reps == clip_label(shared_data, stem).reps
    assert first.start_t_s < 0.5  # the first rep began with the clip, before any ready pose could be held


def test_high_knees_count_every_drive_per_leg(shared_data: Path) -> None:
    """10 knee drives, 5 left + 5 right; nothing during the frozen frame at the end (2.9-4.5 s)."""
    s = analysis(shared_data, "high_knees_front_d").summary
    assert s.reps == 10
    assert s.per_side == {"left": 5, "right": 5}
    assert max(r.end_t_s for r in s.per_rep) < 3.0


def test_shallow_squats_are_told_to_go_lower_and_score_lower(shared_data: Path) -> None:
    """squat_front_a's two shallow reps (~19.2 s and ~26.5 s) get 'Go lower'; its deep reps do not."""
    reps = analysis(shared_data, "squat_front_a").summary.per_rep
    shallow = [r for r in reps if r.start_t_s < 19.2 < r.end_t_s or r.start_t_s < 26.5 < r.end_t_s]
    deep = [r for r in reps if r not in shallow]
    assert len(shallow) == 2
    assert all("Go lower" in {f.cue for f in r.faults} for r in shallow)
    assert not any("Go lower" in {f.cue for f in r.faults} for r in deep)
    assert max(r.score for r in shallow) < min(r.score for r in deep)


def test_rom_is_the_reps_whole_range(shared_data: Path) -> None:
    """A push-up from ~175 deg down to ~75 deg has a ROM of ~100 deg, not the part inside the rep window."""
    a = analysis(shared_data, "pushup_side_a")
    for rep in a.summary.per_rep:
        assert rep.rom_deg > 85


@pytest.mark.parametrize(
    ("stem", "variant"),
    [
        ("squat_side_b", "squat_overhead"),
        ("squat_front34_d", "squat_barbell"),
        ("squat_rear34_d", "squat_barbell"),
        ("pushup_side_f", "pushup_knee"),
    ],
)
def test_variants_count_their_real_clips_like_the_base_exercise(shared_data: Path, stem: str, variant: str) -> None:
    label = clip_label(shared_data, stem)
    assert analysis(shared_data, stem, variant).summary.reps == label.reps
    assert analysis(shared_data, stem).summary.reps == label.reps
