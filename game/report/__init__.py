"""Reports of one analysis run: per-rep table, JSON document, plot, key frames, progress bar.

The loop itself (:func:`analyze_frames`) is pure; everything else here
formats or draws its result.
"""

from game.report.analysis import Analysis, EventRecord, analyze_frames, key_frame_positions
from game.report.document import build_document, dumps
from game.report.explain import explain
from game.report.keyframes import JpegStore, draw_skeleton, render_key_frame
from game.report.progress import ProgressBar
from game.report.table import format_legend, format_rep_table, format_totals

__all__ = [
    "Analysis",
    "EventRecord",
    "JpegStore",
    "ProgressBar",
    "analyze_frames",
    "build_document",
    "draw_skeleton",
    "dumps",
    "explain",
    "format_legend",
    "format_rep_table",
    "format_totals",
    "key_frame_positions",
    "render_key_frame",
]
