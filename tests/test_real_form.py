"""Form verdicts of the library on the cached MediaPipe poses of the real clips.

The thresholds in ``pushup.yaml`` and ``plank.yaml`` were re-derived from
these clips and the synthetic avatar (see their ``source:`` fields): normal
real push-ups bottom at 52-81 deg from the side (``pushup_side_a``,
``pushup_side_b``) and 86-100.5 deg head-on (``pushup_front_a`` reps 3-15;
its first two reps, noted as shallower, at 104 and 97 deg), and the in-form
forearm plank ``plank_side_a`` holds 0.16-0.26 torso lengths above the
shoulder-ankle line. A player doing normal push-ups or a normal plank must
not be nagged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from exercises import FormEngine, load_library
from exercises.events import Event, FormCue, Ready, RepResult, SessionSummary
from tests.realclips import clip_frames, clip_label

pytestmark = pytest.mark.realdata

#: a push-up whose elbows reach this angle (or less) at the bottom has a normal depth
#: (ACSM: ~90 deg; head-on monocular 3D reads normal reps up to 100.5 deg)
NORMAL_DEPTH_DEG = 101.0
HIP_RULES = frozenset({"hips_high", "hips_low"})


@dataclass(frozen=True, slots=True)
class ClipRun:
    """The engine's verdicts on one clip plus the primary signal per frame."""

    summary: SessionSummary
    events: tuple[Event, ...]
    t_s: np.ndarray  #: (frames,) frame times
    primary: np.ndarray  #: (frames,) the exercise's primary signal (NaN where unseen)
    last_t_s: float

    def bottom_of(self, rep: RepResult) -> float:
        """The deepest value of the primary signal during ``rep`` (its minimum)."""
        inside = (self.t_s >= rep.start_t_s) & (self.t_s <= rep.end_t_s) & np.isfinite(self.primary)
        return float(self.primary[inside].min()) if inside.any() else math.nan


@cache
def _run(data: Path, stem: str) -> ClipRun:
    definition = load_library()[clip_label(data, stem).exercise]
    engine = FormEngine(definition)
    events: list[Event] = []
    times, values = [], []
    for frame in clip_frames(data, stem):
        events += engine.update(frame)
        times.append(frame.t_s)
        values.append(engine.signals[definition.primary_signal])
    return ClipRun(engine.summary(), tuple(events), np.array(times), np.array(values, dtype=float), times[-1])


def run(shared_data: Path, stem: str) -> ClipRun:
    return _run(shared_data, stem)


def depth_cued(rep: RepResult) -> bool:
    return "partial_range" in {f.rule_id for f in rep.faults}


@pytest.mark.parametrize(
    ("stem", "normal_reps"),
    [("pushup_side_a", 4), ("pushup_side_b", 5), ("pushup_front_a", 13)],
)
def test_pushups_of_normal_depth_are_not_told_to_go_lower(shared_data: Path, stem: str, normal_reps: int) -> None:
    clip = run(shared_data, stem)
    bottoms = [clip.bottom_of(r) for r in clip.summary.per_rep]
    normal = [r for r, b in zip(clip.summary.per_rep, bottoms, strict=True) if b <= NORMAL_DEPTH_DEG]
    assert len(normal) >= normal_reps, f"{stem}: bottoms {np.round(bottoms, 1).tolist()}"
    cued = [(r.index, round(b, 1)) for r, b in zip(clip.summary.per_rep, bottoms, strict=True) if depth_cued(r)]
    assert not [r.index for r in normal if depth_cued(r)], f"{stem}: 'Chest lower' on (rep, bottom deg) {cued}"


def test_pushups_seen_from_the_side_are_all_good_depth(shared_data: Path) -> None:
    """Side views read the elbow in 2D: every rep of both clips bottoms well under 90 deg."""
    for stem in ("pushup_side_a", "pushup_side_b"):
        clip = run(shared_data, stem)
        assert max(clip.bottom_of(r) for r in clip.summary.per_rep) < 90.0, stem


def test_in_form_plank_gets_no_hips_cue(shared_data: Path) -> None:
    clip = run(shared_data, "plank_side_a")
    cues = [(round(e.t_s, 1), e.rule_id) for e in clip.events if isinstance(e, FormCue) and e.rule_id in HIP_RULES]
    assert cues == []


def test_in_form_plank_counts_the_whole_hold(shared_data: Path) -> None:
    clip = run(shared_data, "plank_side_a")
    ready_t_s = next(e.t_s for e in clip.events if isinstance(e, Ready))
    held_s = clip.last_t_s - ready_t_s
    assert ready_t_s < 1.0
    assert clip.summary.hold_in_form_s >= held_s - 0.1, (clip.summary.hold_in_form_s, held_s)


def test_curl_flags_upper_arm_swing_on_reps_one_to_three_only(shared_data: Path) -> None:
    reps = run(shared_data, "curl_side_a").summary.per_rep
    assert ["upper_arm_swing" in {f.rule_id for f in r.faults} for r in reps] == [True, True, True, False]
