"""The form engine on the cached MediaPipe poses of every real clip in ``shared/data/clips``.

Acceptance (issue 5): the labelled count on every clip (``reps``, or
``reps + partials`` where the labels note shallow reps), nothing counted in
the title card, walking-out or standing segments, the curl clip's swinging
reps flagged and its strict rep not, and the plank held in form throughout.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from exercises import FormEngine, SessionSummary, load_library
from tests.realclips import clip_frames, clip_label

pytestmark = pytest.mark.realdata

CLIPS = (
    "squat_side_a", "squat_front_a", "squat_side_b", "squat_side_c", "pushup_side_a", "pushup_side_b",
    "pushup_front_a", "curl_side_a", "jumpingjack_front_a", "situp_oblique_a", "lunge_front34_a",
    "frontraise_side_a", "shoulderpress_front_a", "shoulderpress_front_b", "lateralraise_front34_a", "plank_side_a",
)  # fmt: skip


@cache
def _summary(data: Path, stem: str) -> SessionSummary:
    label = clip_label(data, stem)
    engine = FormEngine(load_library()[label.exercise])
    for frame in clip_frames(data, stem):
        engine.update(frame)
    return engine.summary()


def summary(shared_data: Path, stem: str) -> SessionSummary:
    return _summary(shared_data, stem)


@pytest.mark.parametrize("stem", CLIPS)
def test_count_matches_the_label(shared_data: Path, stem: str) -> None:
    label = clip_label(shared_data, stem)
    s = summary(shared_data, stem)
    assert label.count_matches(s.reps, s.partials), (
        f"{stem}: labelled {label.reps}, got {s.reps} + {s.partials} partials"
    )


def test_title_card_is_never_counted(shared_data: Path) -> None:
    reps = summary(shared_data, "pushup_side_a").per_rep
    assert min(r.start_t_s for r in reps) >= 1.9  # no person before 1.9 s


def test_walking_out_is_never_counted(shared_data: Path) -> None:
    reps = summary(shared_data, "squat_side_a").per_rep
    assert max(r.end_t_s for r in reps) < 10.1  # the person walks out at ~10.1 s


def test_standing_still_after_the_set_is_never_counted(shared_data: Path) -> None:
    (rep,) = summary(shared_data, "squat_side_c").per_rep
    assert rep.end_t_s < clip_label(shared_data, "squat_side_c").duration_s - 4.0


def test_getting_into_position_and_standing_up_are_never_counted(shared_data: Path) -> None:
    reps = summary(shared_data, "pushup_side_b").per_rep
    assert min(r.start_t_s for r in reps) > 1.5  # gets into position 0-2 s
    assert max(r.end_t_s for r in reps) < 19.0  # stands up at ~19 s


def test_curl_flags_upper_arm_swing_on_the_swinging_reps_only(shared_data: Path) -> None:
    reps = summary(shared_data, "curl_side_a").per_rep
    swing = ["upper_arm_swing" in {f.rule_id for f in r.faults} for r in reps]
    assert swing == [True, True, True, False]


def test_curl_strict_rep_is_good(shared_data: Path) -> None:
    reps = summary(shared_data, "curl_side_a").per_rep
    assert reps[-1].good
    assert reps[-1].score > max(r.score for r in reps[:3])


def test_plank_is_held_in_form_for_the_whole_clip(shared_data: Path) -> None:
    s = summary(shared_data, "plank_side_a")
    assert s.reps == 0
    assert s.hold_in_form_s > 0.9 * clip_label(shared_data, "plank_side_a").duration_s
