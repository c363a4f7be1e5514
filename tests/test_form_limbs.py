"""Limbs by form: which limbs a fault is about (from the exercise definition), drawn dashed in both renderers."""

from __future__ import annotations

import numpy as np

import exercises as ex
from game import skeleton
from game.form_limbs import limb_faults, rule_edges
from sensors.joints import Joint
from tests.test_analyze_report import standing_frame

LIB = ex.load_library()


def _names(edges: frozenset[tuple[int, int]]) -> set[tuple[str, str]]:
    return {(Joint(a).name, Joint(b).name) for a, b in edges}


def test_knee_valgus_is_about_both_shins() -> None:
    shins = {("LEFT_KNEE", "LEFT_ANKLE"), ("RIGHT_KNEE", "RIGHT_ANKLE")}
    assert _names(rule_edges(LIB["squat"], "knee_valgus")) == shins


def test_a_sagging_push_up_is_about_the_body_line_from_shoulders_to_ankles_through_the_knees() -> None:
    edges = _names(rule_edges(LIB["pushup"], "hip_sag"))
    assert {("LEFT_SHOULDER", "LEFT_HIP"), ("LEFT_HIP", "LEFT_KNEE"), ("LEFT_KNEE", "LEFT_ANKLE")} <= edges
    assert not any("ELBOW" in a or "ELBOW" in b for a, b in edges)
    assert ("LEFT_SHOULDER", "RIGHT_SHOULDER") not in edges  # a two-sided signal is not about the cross bones


def test_a_trunk_lean_is_about_the_trunk_and_a_tempo_rule_about_the_counted_limbs() -> None:
    trunk = _names(rule_edges(LIB["squat"], "forward_lean"))
    assert trunk == {
        ("LEFT_SHOULDER", "RIGHT_SHOULDER"), ("LEFT_SHOULDER", "LEFT_HIP"), ("RIGHT_SHOULDER", "RIGHT_HIP"),
        ("LEFT_HIP", "RIGHT_HIP"),
    }  # fmt: skip
    assert rule_edges(LIB["pushup"], "too_fast") == rule_edges(LIB["pushup"], "partial_range")  # the elbows' limbs


def test_joints_without_a_bone_between_them_mean_the_limbs_ending_there() -> None:
    edges = _names(rule_edges(LIB["jumping_jack"], "narrow_feet"))  # ankle-to-ankle distance
    assert ("LEFT_KNEE", "LEFT_ANKLE") in edges
    assert ("RIGHT_KNEE", "RIGHT_ANKLE") in edges


def test_every_rule_of_the_library_names_some_limb() -> None:
    missing = [(name, r.id) for name in LIB for r in LIB[name].rules if not rule_edges(LIB[name], r.id)]
    assert missing == []


def test_an_error_outranks_a_warning_on_a_shared_limb_and_an_unknown_rule_names_none() -> None:
    d = LIB["pushup"]
    said = [("hip_pike", ex.Severity.WARNING), ("hip_sag", ex.Severity.ERROR), ("nope", ex.Severity.ERROR)]
    faults = limb_faults(d, said)
    assert faults[(Joint.LEFT_HIP, Joint.LEFT_KNEE)] == 2
    assert rule_edges(d, "nope") == frozenset()


def test_the_plan_marks_faulty_bones_in_the_palettes_fault_colour_and_leaves_the_rest_solid() -> None:
    frame = standing_frame(0.0, 0)
    faulty = limb_faults(LIB["squat"], [("knee_valgus", ex.Severity.ERROR)])
    palette = skeleton.PALETTES[True]  # the colour-blind palette
    bones, _ = skeleton.plan(frame, frame.image_xy_px, palette, faulty=faulty)
    marked = [b for b in bones if b.fault]
    assert len(marked) == 2
    assert all(b.colour == palette["BAD"] for b in marked)
    assert all(b.colour != palette["BAD"] for b in bones if not b.fault)


def test_a_faulty_limb_is_dashed_from_end_to_end() -> None:
    parts = skeleton.dashes((0.0, 0.0), (200.0, 0.0), 6)
    assert len(parts) >= 5
    assert parts[0][0] == (0.0, 0.0)
    assert np.allclose(parts[-1][1], (200.0, 0.0))
    covered = sum(q[0] - p[0] for p, q in parts)
    assert 0.5 * 200 < covered < 0.8 * 200  # gaps, not a solid line
    assert len(skeleton.dashes((0.0, 0.0), (20.0, 0.0), 6)) == 2  # a short limb (a foot) is still dashed


def test_the_key_frame_renderer_draws_the_gaps_of_a_faulty_limb() -> None:
    frame = standing_frame(0.0, 0, (320, 240))
    xy = np.array(frame.image_xy_px)
    xy[Joint.LEFT_KNEE], xy[Joint.LEFT_ANKLE] = (100, 60), (100, 200)  # a long vertical shin at x = 100
    frame = frame.with_changes(image_xy_px=xy)
    faulty = {(int(Joint.LEFT_KNEE), int(Joint.LEFT_ANKLE)): 2}
    bones, _ = skeleton.plan(frame, xy, skeleton.PALETTES[False], faulty=faulty)
    image = skeleton.render_cv2(np.zeros((240, 320, 3), np.uint8), [b for b in bones if b.fault], [], 4)
    column = image[80:180, 100]
    red = np.all(column == skeleton.PALETTES[False]["BAD"], axis=-1)
    assert 0.3 < red.mean() < 0.85  # dashes with dark gaps between them
