"""The analyze plot: explanation lines below the x-axis label, no partial marker on a rep counted as shallow."""

from __future__ import annotations

import dataclasses

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg

import exercises as ex
from game.report.plot import analysis_figure
from tests.test_analyze_report import make_analysis, rep

DEPTH = ex.Fault("depth", "Go lower", ex.Severity.WARNING)


def shallow_set() -> object:
    """Three quarter squats (knee 170 -> 125): the first reported as a partial, then all three counted as shallow."""
    t = np.arange(150) / 30.0
    knee = 170 - 45 * sum(np.exp(-((t - c) ** 2) / 0.05) for c in (1.0, 2.5, 4.0))
    reps = [dataclasses.replace(rep(i + 1, c - 0.5, c + 0.5, (DEPTH,)), shallow=True, extreme=125.0)
            for i, c in enumerate((1.0, 2.5, 4.0))]  # fmt: skip
    analysis = make_analysis(knee, reps, partial_t_s=(1.5,))  # the partial at the end of the first quarter squat
    return dataclasses.replace(analysis, definition=ex.load_library()["squat"], summary=dataclasses.replace(
        analysis.summary, partials=0))  # fmt: skip


def test_a_partial_counted_later_as_a_shallow_rep_loses_its_partial_marker() -> None:
    analysis = shallow_set()
    assert len(analysis.events_of("PartialRep")) == 1  # the engine reported it before the set turned out shallow
    assert analysis.partials() == []
    fig = analysis_figure(analysis)
    labels = [h.get_label() for h in fig.axes[0].get_lines()]
    assert "partial rep" not in labels


def test_a_partial_outside_every_shallow_rep_keeps_its_marker() -> None:
    analysis = shallow_set()
    analysis.events.append(dataclasses.replace(analysis.events[0], t_s=4.8))
    assert [e.t_s for e in analysis.partials()] == [4.8]
    labels = [h.get_label() for h in analysis_figure(analysis).axes[0].get_lines()]
    assert "partial rep" in labels


def test_the_explanation_lines_never_overlap_the_x_axis_label() -> None:
    fig = analysis_figure(shallow_set())
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax, note = fig.axes[0], fig.axes[1]
    [text] = note.texts
    assert "shallow" in text.get_text()
    label_box = ax.xaxis.label.get_window_extent(renderer)
    text_box = text.get_window_extent(renderer)
    assert text_box.y1 < label_box.y0  # display y grows upwards: the explanation is wholly below the label
    assert text_box.y0 >= 0  # and inside the figure
