"""The recent signal history, and one completed rep judged over it.

:class:`RepWindow` keeps the last :data:`RING` frames of every signal (both
sides too) in ring buffers; :meth:`RepWindow.judge` turns a rep's timing into
a :class:`~exercises.events.RepResult`: its metrics (range of motion,
eccentric/concentric time, left/right symmetry) and the form rules' verdict.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from exercises.calibration import Calibration
from exercises.counter import RepTiming
from exercises.events import Fault, RepResult, View
from exercises.rules import judge_rep
from exercises.spec import Rule

RING = 2048  #: frames kept for rep-window rules (68 s at 30 fps; longer than any rep)
#: the range of motion includes the rest position held this long before the rep left it
ROM_LEAD_S = 3.0
#: a side whose primary signal is measured in fewer of the rep's frames than this share has no symmetry
SYMMETRY_MIN_SEEN = 0.6


class RepWindow:
    """Ring buffers of time, signal values and per-side primary values."""

    def __init__(self, n_signals: int, primary: int) -> None:
        self.primary = primary
        self._t = np.full(RING, -np.inf)
        self._vals = np.full((RING, n_signals), np.nan)
        self._left = np.full(RING, np.nan)
        self._right = np.full(RING, np.nan)
        self._w = 0
        self._last_end_t: dict[str, float] = {}

    def push(self, t_s: float, vals: np.ndarray, left: float, right: float) -> None:
        w = self._w
        self._t[w], self._vals[w], self._left[w], self._right[w] = t_s, vals, left, right
        self._w = (w + 1) % RING

    def _counted(self, side: str) -> np.ndarray:
        """The values the rep was counted on: one side's, or the primary signal's."""
        return self._left if side == "left" else self._right if side == "right" else self._vals[:, self.primary]

    def _lead_mask(self, timing: RepTiming, side: str) -> np.ndarray:
        """The rep's frames and the rest before it (up to ``ROM_LEAD_S``, after the previous rep ended)."""
        lead = max(timing.start_t_s - ROM_LEAD_S, self._last_end_t.get(side, -math.inf))
        return (self._t >= lead) & (self._t <= timing.end_t_s)

    def judge(
        self,
        timing: RepTiming,
        index: int,
        sign: float,
        away_is: str,
        rules: Sequence[Rule],
        view: View,
        signal_index: Mapping[str, int],
        calibration: Calibration | None,
        frame_faults: list[Fault],
        side: str = "",
    ) -> RepResult:
        mask = (self._t >= timing.start_t_s) & (self._t <= timing.end_t_s)
        order = np.argsort(self._t[mask])
        times = self._t[mask][order]
        vals = self._vals[mask][order]
        lead = self._lead_mask(timing, side)
        lead_order = np.argsort(self._t[lead])
        lead_t, lead_prim = self._t[lead][lead_order], self._counted(side)[lead][lead_order]
        rom = _range_of_motion(lead_prim)
        self._last_end_t[side] = timing.end_t_s
        away_s, back_s = _away_and_back_s(lead_t, lead_prim, sign, timing)
        ecc, con = (away_s, back_s) if away_is == "eccentric" else (back_s, away_s)
        symmetry = self.symmetry(mask) if view is not View.SIDE and not side else math.nan
        metrics = {
            "rep.duration_s": timing.end_t_s - timing.start_t_s,
            "rep.eccentric_s": ecc,
            "rep.concentric_s": con,
            "rep.symmetry": symmetry,
            "rep.rom": rom,
        }
        bounds = (timing.start_t_s, timing.turn_t_s, timing.leave_turn_t_s, timing.end_t_s)
        verdict = judge_rep(rules, view, times, vals, signal_index, bounds, metrics, calibration, frame_faults)
        return RepResult(
            index=index,
            start_t_s=timing.start_t_s,
            end_t_s=timing.end_t_s,
            rom_deg=rom,
            eccentric_s=ecc,
            concentric_s=con,
            symmetry=symmetry,
            score=verdict.score,
            faults=verdict.faults,
            good=verdict.good,
            side=side,
            extreme=timing.extreme,
        )

    def symmetry(self, mask: np.ndarray) -> float:
        """1 - |range left - range right| / larger range; NaN when a side is hidden for much of the rep
        (side views: the far limb is guessed, not seen)."""
        left, right = self._left[mask], self._right[mask]
        n = max(int(mask.sum()), 1)
        if min(np.isfinite(left).sum(), np.isfinite(right).sum()) < max(3, SYMMETRY_MIN_SEEN * n):
            return math.nan
        # ranges between the 10th and 90th percentiles: one noisy sample must not make a lagging arm look even
        lo_l, hi_l = np.nanpercentile(left, [10, 90])
        lo_r, hi_r = np.nanpercentile(right, [10, 90])
        rl, rr = float(hi_l - lo_l), float(hi_r - lo_r)
        big = max(rl, rr)
        return 1.0 - abs(rl - rr) / big if big > 1e-9 else 1.0


def _range_of_motion(prim: np.ndarray) -> float:
    """The rep's whole range over the rep and the rest before it: from the rest position it left to
    its extreme. A push-up from 178 deg to 75 deg is 103 deg."""
    prim = prim[np.isfinite(prim)]
    return float(prim.max() - prim.min()) if prim.size else math.nan


def _away_and_back_s(times: np.ndarray, prim: np.ndarray, sign: float, timing: RepTiming) -> tuple[float, float]:
    """Time from leaving the rest position to reaching the rep's extreme, and from leaving the
    extreme to the rep's end; ``times``/``prim``: the rep and the rest held before it.

    "At the extreme" is within 10 % of the rep's range of it (a pause at the bottom counts in
    neither phase); "left the rest" is the last frame within 10 % of the whole range (rest to
    extreme) of the rest before that, or the rep's start if later. So the way away is timed over
    the same share of the range for a shallow rep as for a deep one: timed from leaving the start
    zone instead, a controlled quarter squat (its bottom just past the zone) took 0.2 s.
    """
    y = sign * prim
    ok = np.isfinite(y)
    if ok.sum() < 3:
        return timing.turn_t_s - timing.start_t_s, timing.end_t_s - timing.leave_turn_t_s
    in_rep = ok & (times >= timing.start_t_s)
    if not in_rep.any():
        return timing.turn_t_s - timing.start_t_s, timing.end_t_s - timing.leave_turn_t_s
    lo, hi_rep, rest = float(np.min(y[in_rep])), float(np.max(y[in_rep])), float(np.max(y[ok]))
    near = np.flatnonzero(in_rep & (y <= lo + 0.1 * (hi_rep - lo)))
    at_rest = np.flatnonzero(ok & (y >= rest - 0.1 * (rest - lo)) & (np.arange(y.size) < near[0]))
    left_rest_t_s = min(float(times[at_rest[-1]]), timing.start_t_s) if at_rest.size else timing.start_t_s
    return float(times[near[0]] - left_rest_t_s), float(timing.end_t_s - times[near[-1]])
