"""Shallow sets (:mod:`exercises.shallow`): a player whose every rep turns short of the turn gets them counted."""

from __future__ import annotations

import numpy as np
import pytest

from exercises import FormEngine, PartialRep, RepCompleted, load_library
from exercises.counter import RepCounter, RepTiming
from exercises.events import Phase
from exercises.shallow import SHALLOW_MAX_SCORE, ShallowRun, depth_rule

LIB = load_library()
SQUAT = LIB["squat"]
C = SQUAT.counting
assert C is not None
SPAN = C.start.enter - C.turn.enter  # 35 deg
FPS = 30.0


def test_two_similar_partials_make_a_shallow_set_and_following_ones_count() -> None:
    run: ShallowRun[str] = ShallowRun(SPAN)
    assert run.partial(124.0, "a") == []  # one partial: still a partial
    assert run.partial(121.0, "b") == ["a", "b"]  # a second at a similar depth: both count now
    assert run.shallow
    assert run.level == pytest.approx(122.5)
    assert run.partial(126.0, "c") == ["c"]
    assert run.partial(143.0, "d") == []  # more than half the span shallower than the set's depth: a partial
    assert run.shallow


def test_an_isolated_partial_among_full_reps_stays_a_partial() -> None:
    run: ShallowRun[int] = ShallowRun(SPAN)
    for k in range(5):
        run.full_rep()
        assert run.partial(120.0 + k, k) == []  # full, partial, full, partial...: never two in a row
    assert not run.shallow


def test_a_full_rep_ends_the_shallow_set() -> None:
    run: ShallowRun[int] = ShallowRun(SPAN)
    run.partial(120.0, 1)
    assert run.partial(122.0, 2) == [1, 2]
    run.full_rep()
    assert not run.shallow
    assert run.partial(121.0, 3) == []


def test_dissimilar_partials_do_not_make_a_set() -> None:
    run: ShallowRun[int] = ShallowRun(SPAN)
    assert run.partial(137.0, 1) == []
    assert run.partial(116.0, 2) == []  # 21 deg apart: more than half the 35 deg span
    assert run.partial(119.0, 3) == [2, 3]  # the similar pair counts, the odd one stays a partial


def test_depth_rule_is_the_rule_on_the_counted_signal() -> None:
    assert depth_rule(SQUAT.rules, SQUAT.primary_signal)[0] == "depth"
    assert depth_rule(LIB["pushup"].rules, LIB["pushup"].primary_signal)[0] == "partial_range"
    assert depth_rule(LIB["jumping_jack"].rules, "arms") == ("partial_range", "Use your full range")


def _quarter_squats(bottoms_deg: list[float], rest_deg: float = 168.0) -> np.ndarray:
    """Standing, then one cosine dip per bottom (1.6 s each), then standing."""
    parts = [np.full(int(FPS), rest_deg)]
    for b in bottoms_deg:
        ph = np.linspace(0, 2 * np.pi, int(1.6 * FPS), endpoint=False)
        parts.append(rest_deg - (rest_deg - b) * 0.5 * (1 - np.cos(ph)))
        parts.append(np.full(int(0.4 * FPS), rest_deg))
    parts.append(np.full(int(FPS), rest_deg))
    return np.concatenate(parts)


def _count(values: np.ndarray) -> tuple[list[RepTiming], list[PartialRep], list[PartialRep]]:
    """Counter + shallow rule over scripted knee angles: (full reps, partials kept, partials counted)."""
    counter = RepCounter(C)
    run: ShallowRun[PartialRep] = ShallowRun(SPAN)
    counter.arm(0.0)
    reps: list[RepTiming] = []
    kept: list[PartialRep] = []
    counted: list[PartialRep] = []
    for k, v in enumerate(values):
        for ev in counter.update(k / FPS, float(v)):
            if isinstance(ev, RepTiming):
                run.full_rep()
                reps.append(ev)
            elif isinstance(ev, PartialRep):
                now = run.partial(ev.extreme, ev)
                counted += now
                kept = [p for p in kept if p not in now] + ([] if ev in now else [ev])
    return reps, kept, counted


def test_scripted_quarter_squats_count_as_shallow_reps() -> None:
    reps, kept, counted = _count(_quarter_squats([122.0, 119.0, 124.0, 120.0]))
    assert reps == []
    assert kept == []
    assert [round(p.extreme) for p in counted] == [122, 119, 124, 120]


def test_scripted_mini_squats_inside_the_start_zone_count_as_shallow_reps() -> None:
    """Knee dips of ~34 deg from standing (178 -> 144) never leave the start zone, but they are
    repeated at one depth: this player's range (``partial_excursion``), not a zero."""
    reps, kept, counted = _count(_quarter_squats([144.0, 146.0, 143.0, 145.0], rest_deg=178.0))
    assert reps == []
    assert kept == []
    assert [round(p.extreme) for p in counted] == [144, 146, 143, 145]


@pytest.mark.parametrize("amplitude_deg", [6.0, 10.0])
def test_knee_sway_while_standing_counts_nothing(amplitude_deg: float) -> None:
    """Standing and shifting weight: the knee bends and straightens by up to 20 deg, slowly."""
    t_s = np.arange(0, 20, 1 / FPS)
    values = 178.0 - amplitude_deg * (1 - np.cos(2 * np.pi * t_s / 2.5))
    reps, kept, counted = _count(values)
    assert reps == []
    assert counted == []
    assert kept == []


def test_scripted_full_reps_with_one_shallow_keep_it_a_partial() -> None:
    reps, kept, counted = _count(_quarter_squats([80.0, 122.0, 82.0, 79.0]))
    assert len(reps) == 3
    assert len(kept) == 1
    assert counted == []


@pytest.mark.parametrize("centre", [150.0, 140.0, 130.0, 121.0])
def test_dither_and_standing_still_count_nothing(centre: float) -> None:
    rng = np.random.default_rng(int(centre))
    values = centre + rng.uniform(-3.0, 3.0, int(20 * FPS))
    reps, kept, counted = _count(np.concatenate([np.full(int(FPS), 170.0), values]))
    assert reps == []
    assert counted == []
    assert len(kept) <= 1  # at most the one descent into the dither band, never a run of them


@pytest.mark.parametrize("view", ["front", "side"])
def test_engine_counts_mini_squats_as_shallow_reps(view: str) -> None:
    from sensors.synthetic import SyntheticConfig, SyntheticSensor

    engine = FormEngine(SQUAT)
    with SyntheticSensor(SyntheticConfig(exercise="squat", view=view, depth=0.3, reps=4, seed=2)) as s:
        for frame in s:
            engine.update(frame)
    engine.finish()
    summary = engine.summary()
    assert (summary.reps, summary.partials) == (4, 0)
    assert all(rep.shallow for rep in summary.per_rep)


@pytest.mark.parametrize("exercise", ["pushup", "jumping_jack", "crunch"])
def test_partial_range_reps_of_exercises_without_an_excursion_are_counted_not_silence(exercise: str) -> None:
    """The avatar at 30 % of its range, five times: shallow reps (the default excursion), not 0 reps 0 partials."""
    from sensors.synthetic import SyntheticConfig, SyntheticSensor

    definition = LIB[exercise]
    assert definition.counting.partial_excursion is None
    engine = FormEngine(definition)
    view = "side" if "side" in definition.views else "front"
    with SyntheticSensor(SyntheticConfig(exercise=exercise, view=view, depth=0.3, reps=5, seed=3)) as s:
        for frame in s:
            engine.update(frame)
    engine.finish()
    summary = engine.summary()
    assert summary.reps + summary.partials >= 4
    assert summary.reps >= 4


def test_engine_counts_the_synthetic_shallow_set_as_reps_with_the_depth_fault() -> None:
    from sensors.synthetic import SyntheticConfig, SyntheticSensor

    engine = FormEngine(SQUAT)
    events = []
    with SyntheticSensor(SyntheticConfig(exercise="squat", view="side", fault=("shallow",), reps=4, seed=1)) as s:
        for frame in s:
            events += engine.update(frame)
    events += engine.finish()
    summary = engine.summary()
    assert (summary.reps, summary.partials) == (4, 0)
    for rep in summary.per_rep:
        assert rep.shallow
        assert not rep.good
        assert rep.score <= SHALLOW_MAX_SCORE
        assert "depth" in {f.rule_id for f in rep.faults}
        assert 115.0 < rep.extreme < 138.0  # short of the turn, past `partial`
    # only the first was reported as a partial when it happened (the set had not shown its depth yet)
    assert len([e for e in events if isinstance(e, PartialRep)]) == 1
    assert len([e for e in events if isinstance(e, RepCompleted)]) == 4
    assert engine.phase is not Phase.IDLE


def test_engine_keeps_one_shallow_squat_among_full_ones_a_partial() -> None:
    from sensors.synthetic import SyntheticConfig, SyntheticSensor

    engine = FormEngine(SQUAT)
    cfg = SyntheticConfig(exercise="squat", view="side", fault=("shallow",), fault_reps="2", reps=4, seed=1)
    with SyntheticSensor(cfg) as s:
        for frame in s:
            engine.update(frame)
    engine.finish()
    summary = engine.summary()
    assert (summary.reps, summary.partials) == (3, 1)
    assert not any(r.shallow for r in summary.per_rep)


def test_real_barbell_quarter_squats_are_counted_not_zeroed(shared_data) -> None:
    """squat_side_d: 4 barbell quarter squats (knee ~100-125 deg in 2D); before the rule: 0 reps + 3 partials.
    The first rep (already descending at 0 s) reads only ~142 deg, never past `partial`: still missed."""
    from game.report.analysis import analyze_frames
    from game.report.explain import explain
    from sensors.pipeline import PipelineSensor
    from sensors.registry import SourceOptions, open_source
    from tests.realclips import cached_clip

    path = cached_clip(shared_data, "squat_side_d")
    with PipelineSensor(open_source(f"recording:{path}", SourceOptions(images=False, realtime=False))) as sensor:
        analysis = analyze_frames(list(sensor), SQUAT)
    s = analysis.summary
    assert s.reps >= 3
    assert s.reps + s.partials <= 4
    shallow = [r for r in s.per_rep if r.shallow]
    assert len(shallow) >= 3
    assert all("depth" in {f.rule_id for f in r.faults} and r.score <= SHALLOW_MAX_SCORE for r in shallow)
    why = "\n".join(explain(analysis))
    assert f"counted {len(shallow)} shallow reps: your reps turned at ~" in why
    assert "short of the 115° the exercise asks for" in why
