"""Named signals: the closed vocabulary of measurements, compiled to index arrays.

A definition's signals are compiled once into a :class:`SignalPlan`; each
frame, :meth:`SignalPlan.evaluate` computes every signal with a handful of
vectorised numpy calls (one batch per measurement kind).

Which coordinates a measurement uses (per joint triple, per frame):

* depth-fused 3D (``camera_xyz_m``) when every joint involved is
  ``JointSource.DEPTH``;
* else the 2D image when the movement's plane faces the camera in the current
  view (``sagittal`` from the side, ``frontal`` from the front) or the signal
  declares ``plane: any``;
* else MediaPipe's monocular 3D ``world_xyz_m`` when finite (a squat's knee
  angle seen from the front is meaningless in 2D);
* else the 2D image.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from exercises import geometry as geo
from exercises.events import View
from exercises.spec import KINDS, SignalSpec
from sensors.joints import LEFT_RIGHT_PAIRS, NUM_JOINTS, Joint
from sensors.pose import JointSource, PoseFrame

#: joints below this confidence count as unseen
MIN_CONFIDENCE = 0.3

#: side-less joint name ("knee") -> index of its (left, right) pair in LEFT_RIGHT_PAIRS
_PAIR_INDEX = {
    (a.name[5:] if a.name.startswith("LEFT_") else a.name.replace("_LEFT", "")).lower(): k
    for k, (a, _b) in enumerate(LEFT_RIGHT_PAIRS)
}
_LEFT = np.array([a for a, _ in LEFT_RIGHT_PAIRS])
_RIGHT = np.array([b for _, b in LEFT_RIGHT_PAIRS])
N_EXT = NUM_JOINTS + len(LEFT_RIGHT_PAIRS)  #: 33 joints, then the midpoint of each left/right pair

SPACE_IMAGE, SPACE_WORLD, SPACE_CAMERA = 0, 1, 2


def _point(name: str, side: str) -> int:
    """Extended index of joint ``name`` for ``side`` ('left', 'right', 'mid'); KeyError when unknown."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in _PAIR_INDEX:
        k = _PAIR_INDEX[key]
        if side == "left":
            return int(LEFT_RIGHT_PAIRS[k][0])
        if side == "right":
            return int(LEFT_RIGHT_PAIRS[k][1])
        return NUM_JOINTS + k
    if key.upper() in Joint.__members__:
        return int(Joint[key.upper()])
    import difflib

    known = sorted(set(_PAIR_INDEX) | {j.name.lower() for j in Joint})
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise KeyError(f"found '{name}'{hint}")


def _names(spec: SignalSpec) -> list[str]:
    raw = getattr(spec, spec.kind)
    return [n for part in raw for n in (part if isinstance(part, tuple) else (part,))]


def resolve_joint_names(spec: SignalSpec) -> list[tuple[str, tuple[int, ...]]]:
    """The signal's terms: ``[(side, extended point indices), ...]`` (one or two terms).

    Two terms (left, right) when any joint name is sided and the side is
    bilateral (mean/min/max/best); one otherwise. KeyError for unknown names.
    """
    names = _names(spec)
    sided = any(n.strip().lower() in _PAIR_INDEX for n in names)
    if spec.side in ("left", "right", "mid") or not sided:
        side = spec.side if spec.side in ("left", "right", "mid") else "mid"
        return [(side, tuple(_point(n, side) for n in names))]
    return [(s, tuple(_point(n, s) for n in names)) for s in ("left", "right")]


@dataclass(frozen=True, slots=True)
class SignalValues:
    """One frame's measurements: ``values`` (S,) per signal, ``left``/``right`` (S,) per side (NaN if none)."""

    values: np.ndarray
    left: np.ndarray
    right: np.ndarray


class SignalPlan:
    """Every signal of a definition, compiled to per-kind index arrays."""

    def __init__(self, signals: dict[str, SignalSpec]) -> None:
        self.names: list[str] = list(signals)
        self.index = {n: i for i, n in enumerate(self.names)}
        self._combine: list[str] = []
        terms: list[tuple[int, str, str, tuple[int, ...], str]] = []  # signal, kind, side, points, plane
        for i, (name, spec) in enumerate(signals.items()):
            self._combine.append(spec.side)
            for side, pts in resolve_joint_names(spec):
                terms.append((i, spec.kind, side, pts, spec.plane))
            del name
        self.n_terms = len(terms)
        self.term_signal = np.array([t[0] for t in terms], dtype=np.intp)
        self.term_side = [t[2] for t in terms]
        pts = np.zeros((self.n_terms, 4), dtype=np.intp)
        npts = np.zeros(self.n_terms, dtype=np.intp)
        for k, t in enumerate(terms):
            pts[k, : len(t[3])] = t[3]
            npts[k] = len(t[3])
        self.points = pts
        self.point_mask = np.arange(4)[None, :] < npts[:, None]  # (T, 4) which of the 4 slots are used
        self.by_kind = {kind: np.flatnonzero([t[1] == kind for t in terms]) for kind in KINDS}
        plane = np.array([t[4] for t in terms])
        self.prefer_2d = {
            View.FRONT: (plane == "any") | (plane == "frontal"),
            View.SIDE: (plane == "any") | (plane == "sagittal"),
            View.OBLIQUE: plane == "any",
            View.UNKNOWN: plane == "any",
        }
        self.signal_terms: list[list[int]] = [[] for _ in self.names]
        for k, t in enumerate(terms):
            self.signal_terms[t[0]].append(k)
        self.needs_forward = self.by_kind["forward"].size > 0

    # ------------------------------------------------------------------
    def evaluate(
        self,
        frame: PoseFrame,
        view: View,
        scale_2d_px: float = math.nan,
        gravity: np.ndarray | None = None,
    ) -> SignalValues:
        """All signals of one frame; ``scale_2d_px`` is the player's torso length in pixels (NaN: this frame's)."""
        conf = frame.confidence
        src = frame.source
        seen = (src != JointSource.MISSING) & (conf >= MIN_CONFIDENCE)
        depth = src == JointSource.DEPTH
        sl, sr = seen[_LEFT], seen[_RIGHT]
        # a midpoint is seen when either side is; with one side unseen (side views) it is the seen joint
        ext_seen = np.concatenate([seen, sl | sr])
        ext_depth = np.concatenate([depth, depth[_LEFT] & depth[_RIGHT]])
        ext_conf = np.concatenate([conf, np.maximum(np.where(sl, conf[_LEFT], 0), np.where(sr, conf[_RIGHT], 0))])
        wl = np.where(sl == sr, 0.5, np.where(sl, 1.0, 0.0))[:, None]

        def ext(p: np.ndarray) -> np.ndarray:
            return np.concatenate([p, wl * p[_LEFT] + (1.0 - wl) * p[_RIGHT]])

        spaces = [ext(frame.image_xy_px), ext(frame.world_xyz_m), ext(frame.camera_xyz_m)]
        pts, used = self.points, self.point_mask
        term_seen = np.where(used, ext_seen[pts], True).all(axis=1)
        term_depth = np.where(used, ext_depth[pts], True).all(axis=1)
        term_conf = np.where(used, ext_conf[pts], 1.0).min(axis=1)
        world_ok = np.where(used, np.isfinite(spaces[1][pts]).all(axis=2), True).all(axis=1)
        space = np.where(term_depth, SPACE_CAMERA, np.where(self.prefer_2d[view] | ~world_ok, SPACE_IMAGE, SPACE_WORLD))

        scale = [
            scale_2d_px if math.isfinite(scale_2d_px) else geo.torso_length(frame.image_xy_px),
            geo.torso_length(frame.world_xyz_m),
            geo.torso_length(frame.camera_xyz_m),
        ]
        ups = [geo.up_vector(gravity, 2), geo.up_vector(gravity, 3), geo.up_vector(gravity, 3)]
        term_values = np.full(self.n_terms, np.nan)
        for kind, idx in self.by_kind.items():
            if idx.size == 0:
                continue
            p = pts[idx]
            for s in (SPACE_IMAGE, SPACE_WORLD, SPACE_CAMERA):
                sel = idx[space[idx] == s]
                if sel.size == 0:
                    continue
                q = spaces[s]
                a, b, c, d = (q[pts[sel, j]] for j in range(4))
                term_values[sel] = _measure(kind, a, b, c, d, scale[s], ups[s], self._forward(frame, s, q, ups[s]))
            del p
        term_values[~term_seen] = np.nan
        return self._combine_terms(term_values, term_conf)

    def _forward(self, frame: PoseFrame, s: int, q: np.ndarray, up: np.ndarray) -> np.ndarray:
        if not self.needs_forward:
            return up
        if s == SPACE_IMAGE:
            sign = geo.facing_sign_x(frame.image_xy_px)
            return np.array([sign, 0.0])
        toes = q[[Joint.LEFT_FOOT_INDEX, Joint.RIGHT_FOOT_INDEX]] - q[[Joint.LEFT_HEEL, Joint.RIGHT_HEEL]]
        v = np.nanmean(toes, axis=0) if np.isfinite(toes).any() else np.full(3, np.nan)
        v = v - (v @ up) * up
        n = float(np.linalg.norm(v))
        return v / n if n > 1e-9 else np.full(3, np.nan)

    def _combine_terms(self, term_values: np.ndarray, term_conf: np.ndarray) -> SignalValues:
        n = len(self.names)
        values = np.full(n, np.nan)
        left = np.full(n, np.nan)
        right = np.full(n, np.nan)
        tv = term_values.tolist()
        tc = term_conf.tolist()
        for i, terms in enumerate(self.signal_terms):
            if len(terms) == 1:
                values[i] = tv[terms[0]]
                continue
            lv, rv = tv[terms[0]], tv[terms[1]]
            left[i], right[i] = lv, rv
            lok, rok = math.isfinite(lv), math.isfinite(rv)
            if not (lok or rok):
                continue
            if not rok:
                values[i] = lv
                continue
            if not lok:
                values[i] = rv
                continue
            how = self._combine[i]
            if how == "min":
                values[i] = min(lv, rv)
            elif how == "max":
                values[i] = max(lv, rv)
            elif how == "best":
                values[i] = lv if tc[terms[0]] >= tc[terms[1]] else rv
            else:  # confidence-weighted mean
                wl, wr = tc[terms[0]] ** 2, tc[terms[1]] ** 2
                values[i] = (wl * lv + wr * rv) / (wl + wr) if wl + wr > 0 else 0.5 * (lv + rv)
        return SignalValues(values, left, right)


def _measure(
    kind: str,
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    d: np.ndarray,
    scale: float,
    up: np.ndarray,
    forward: np.ndarray,
) -> np.ndarray:
    """One kind of measurement over a batch of terms; points (k, D) -> values (k,)."""
    if kind == "angle":
        return geo.angle_deg(a, b, c)
    if kind == "segment":
        return geo.segment_from_vertical_deg(a, b, up)
    if kind == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            return geo.distance(a, b) / geo.distance(c, d)
    if not (math.isfinite(scale) and scale > 1e-9):
        return np.full(len(a), np.nan)
    if kind == "distance":
        return geo.distance(a, b) / scale
    if kind == "line_offset":
        return geo.offset_from_line(a, b, c, up) / scale
    if kind == "height":
        return geo.projection(a, b, up) / scale
    return geo.projection(a, b, forward) / scale  # forward
