"""Named signals: the closed vocabulary of measurements, compiled to index arrays.

A definition's signals are compiled once into a :class:`SignalPlan`; each
frame, :meth:`SignalPlan.evaluate` computes every signal with a handful of
vectorised numpy calls (one batch per measurement kind).

Which coordinates a measurement uses (per joint triple, per frame):

* depth-fused 3D (``camera_xyz_m``) when every joint involved is
  ``JointSource.DEPTH``;
* else the 2D image when the movement's plane faces the camera in the current
  view (``sagittal`` from the side, ``frontal`` from the front) or the signal
  declares ``plane: any`` (``plane: 3d`` never prefers 2D);
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
#: ...except, for the counted signal, a joint the picture cuts off (its position outside the image):
#: the pose model places it by the body it sees and lowers its visibility for being out of the picture
#: (on the shared clips' out-of-frame wrists, knees and ankles: median 0.24), so a squat filmed with the
#: feet cut off is still counted from the model's guess of the ankles; form rules still need MIN_CONFIDENCE
MIN_CONFIDENCE_CUT_OFF = 0.05
#: a measurement whose joints drop out keeps its last value this long (occlusion flicker in side views)
HOLD_S = 0.25

#: side-less joint name ("knee") -> index of its (left, right) pair in LEFT_RIGHT_PAIRS
_PAIR_INDEX = {
    (a.name[5:] if a.name.startswith("LEFT_") else a.name.replace("_LEFT", "")).lower(): k
    for k, (a, _b) in enumerate(LEFT_RIGHT_PAIRS)
}
_LEFT = np.array([a for a, _ in LEFT_RIGHT_PAIRS])
_RIGHT = np.array([b for _, b in LEFT_RIGHT_PAIRS])
N_EXT = NUM_JOINTS + len(LEFT_RIGHT_PAIRS)  #: 33 joints, then the midpoint of each left/right pair

SPACE_IMAGE, SPACE_WORLD, SPACE_CAMERA = 0, 1, 2
_TRUE = np.ones(1, dtype=bool)
_ONE = np.ones(1, dtype=np.float32)
_ORIGIN = np.zeros((3, 1, 3))
_DEFAULT_UPS = np.array([[0.0, -1.0, 0.0]] * 3)  #: y points down in the image and in both 3D frames
_TOES = [int(Joint.LEFT_FOOT_INDEX), int(Joint.RIGHT_FOOT_INDEX)]
_HEELS = [int(Joint.LEFT_HEEL), int(Joint.RIGHT_HEEL)]


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
    """Every signal of a definition, compiled to per-kind index arrays.

    Stateful only in one way: a measurement whose joints drop out for less
    than :data:`HOLD_S` keeps its last value (frames must come in time order).
    """

    def __init__(self, signals: dict[str, SignalSpec], counted: str | None = None) -> None:
        """``counted``: the signal reps are counted on, which may use joints the picture cuts off."""
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
        # unused point slots point at a sentinel row (always seen, at the origin)
        points = np.full((self.n_terms, 4), N_EXT, dtype=np.intp)
        for k, t in enumerate(terms):
            points[k, : len(t[3])] = t[3]
        self.points = points
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
        self.counted_terms = np.array([counted is not None and self.names[t[0]] == counted for t in terms], dtype=bool)
        self.needs_forward = self.by_kind["forward"].size > 0
        self._xyz = np.zeros((3, NUM_JOINTS, 3))
        self._ups_key: tuple[float, ...] = ()
        self._ups_cache = _DEFAULT_UPS
        self._last_v = np.full(self.n_terms, np.nan)
        self._last_t = np.full(self.n_terms, -np.inf)

    # ------------------------------------------------------------------
    def evaluate(
        self,
        frame: PoseFrame,
        view: View,
        scale_2d_px: float = math.nan,
        gravity: np.ndarray | None = None,
    ) -> SignalValues:
        """All signals of one frame; ``scale_2d_px`` is the player's torso length in pixels (NaN: this frame's)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            return self._evaluate(frame, view, scale_2d_px, gravity)

    def _evaluate(self, frame: PoseFrame, view: View, scale_2d_px: float, gravity: np.ndarray | None) -> SignalValues:
        conf = frame.confidence
        src = frame.source
        seen = (src != JointSource.MISSING) & (conf >= MIN_CONFIDENCE)
        depth = src == JointSource.DEPTH
        sl, sr = seen[_LEFT], seen[_RIGHT]
        # a midpoint is seen when either side is; with one side unseen (side views) it is the seen joint
        ext_seen = np.concatenate([seen, sl | sr, _TRUE])
        cut = self._cut_off_seen(frame, seen) if self.counted_terms.any() else None
        ext_depth = np.concatenate([depth, depth[_LEFT] & depth[_RIGHT], _TRUE])
        ext_conf = np.concatenate([conf, np.maximum(np.where(sl, conf[_LEFT], 0), np.where(sr, conf[_RIGHT], 0)), _ONE])
        # midpoints use both sides whenever both have a position (a low-visibility far-side joint is
        # still MediaPipe's estimate): mixing one-sided and two-sided midpoints in one segment would
        # tilt it by the body's half-width whenever a far joint flickers
        has = src != JointSource.MISSING
        hl, hr = has[_LEFT], has[_RIGHT]
        wl = np.where(hl == hr, 0.5, np.where(hl, 1.0, 0.0))[None, :, None]
        # every space as 3D points (image points lifted to z = 0): (3 spaces, 33, 3)
        xyz = self._xyz
        xyz[SPACE_IMAGE, :, :2] = frame.image_xy_px
        xyz[SPACE_WORLD] = frame.world_xyz_m
        xyz[SPACE_CAMERA] = frame.camera_xyz_m
        ext = np.concatenate([xyz, wl * xyz[:, _LEFT] + (1.0 - wl) * xyz[:, _RIGHT], _ORIGIN], axis=1)

        pts = self.points
        term_seen = ext_seen[pts].all(axis=1)
        if cut is not None:
            term_seen |= self.counted_terms & cut[pts].all(axis=1)
        term_depth = ext_depth[pts].all(axis=1)
        term_conf = ext_conf[pts].min(axis=1)
        world_ok = np.isfinite(ext[SPACE_WORLD][pts]).all(axis=(1, 2))
        space = np.where(term_depth, SPACE_CAMERA, np.where(self.prefer_2d[view] | ~world_ok, SPACE_IMAGE, SPACE_WORLD))
        p = ext[space[:, None], pts]  # (T, 4, 3): each term's points in its chosen space

        scales = np.array(
            [
                scale_2d_px if math.isfinite(scale_2d_px) else geo.torso_length(frame.image_xy_px),
                geo.torso_length(frame.world_xyz_m),
                geo.torso_length(frame.camera_xyz_m),
            ]
        )
        ups = self._ups(gravity)
        fwd = self._forwards(frame, ext, ups) if self.needs_forward else ups
        term_values = np.full(self.n_terms, np.nan)
        for kind, idx in self.by_kind.items():
            if idx.size:
                q = p[idx]
                sp = space[idx]
                term_values[idx] = _measure(kind, q[:, 0], q[:, 1], q[:, 2], q[:, 3], scales[sp], ups[sp], fwd[sp])
        fresh = term_seen & np.isfinite(term_values)
        self._last_v[fresh] = term_values[fresh]
        self._last_t[fresh] = frame.t_s
        held = ~fresh & (frame.t_s - self._last_t <= HOLD_S)
        term_values = np.where(fresh, term_values, np.where(held, self._last_v, np.nan))
        term_conf = np.where(fresh, term_conf, 0.5 * term_conf)
        return self._combine_terms(term_values, term_conf)

    @staticmethod
    def _cut_off_seen(frame: PoseFrame, seen: np.ndarray) -> np.ndarray | None:
        """The extended seen mask with joints the picture cuts off counted as seen; None when there are none."""
        xy = frame.image_xy_px
        w_px, h_px = frame.image_size_px
        outside = (xy[:, 0] < 0) | (xy[:, 0] > w_px) | (xy[:, 1] < 0) | (xy[:, 1] > h_px)
        guessed = outside & (frame.source != JointSource.MISSING) & (frame.confidence >= MIN_CONFIDENCE_CUT_OFF)
        if not guessed.any():
            return None
        both = seen | guessed
        return np.concatenate([both, both[_LEFT] | both[_RIGHT], _TRUE])

    def _ups(self, gravity: np.ndarray | None) -> np.ndarray:
        """(3, 3) "up" per space: the image's (gravity projected on it) and the 3D frames'."""
        if gravity is None:
            return _DEFAULT_UPS
        key = tuple(np.asarray(gravity, dtype=np.float64).ravel().tolist())
        if key == self._ups_key:
            return self._ups_cache
        up3 = geo.up_vector(gravity, 3)
        up2 = geo.up_vector(gravity, 2)
        self._ups_key = key
        self._ups_cache = np.array([[up2[0], up2[1], 0.0], up3, up3])
        return self._ups_cache

    def _forwards(self, frame: PoseFrame, ext: np.ndarray, ups: np.ndarray) -> np.ndarray:
        """(3, 3) unit "forward" (toe direction, horizontal) per space; NaN when unseen."""
        out = np.full((3, 3), np.nan)
        out[SPACE_IMAGE] = (geo.facing_sign_x(frame.image_xy_px), 0.0, 0.0)
        toes = ext[1:, _TOES] - ext[1:, _HEELS]  # (2, 2, 3)
        ok = np.isfinite(toes).all(axis=2, keepdims=True)  # (2, 2, 1): per space, per foot
        v = np.where(ok, toes, 0.0).sum(axis=1) / ok.sum(axis=1)  # mean over seen feet; NaN when none
        v = v - np.einsum("si,si->s", v, ups[1:])[:, None] * ups[1:]
        n = np.linalg.norm(v, axis=1)
        out[1:] = v / np.where(n > 1e-9, n, np.nan)[:, None]
        return out

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


def _dot(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    return np.einsum("ki,ki->k", u, v)


def _measure(
    kind: str,
    a: np.ndarray,
    b: np.ndarray,
    c: np.ndarray,
    d: np.ndarray,
    scale: np.ndarray,
    up: np.ndarray,
    forward: np.ndarray,
) -> np.ndarray:
    """One kind of measurement over a batch of k terms; points, ``up`` and ``forward`` (k, 3), ``scale`` (k,)."""
    if kind == "angle":  # arccos(u . v / |u||v|) at b
        u, v = a - b, c - b
        return np.degrees(np.arccos(np.clip(_dot(u, v) / np.sqrt(_dot(u, u) * _dot(v, v)), -1.0, 1.0)))
    if kind == "segment":  # angle from "up": arccos(seg . up / |seg|)
        seg = b - a
        return np.degrees(np.arccos(np.clip(_dot(seg, up) / np.sqrt(_dot(seg, seg)), -1.0, 1.0)))
    if kind == "ratio":
        return geo.distance(a, b) / geo.distance(c, d)
    scale = np.where(scale > 1e-9, scale, np.nan)
    if kind == "distance":
        return geo.distance(a, b) / scale
    if kind == "height":
        return _dot(a - b, up) / scale
    if kind == "forward":
        return _dot(a - b, forward) / scale
    # line_offset: b's distance from the line a->c along the part of "up" across the line
    u = c - a
    u = u / np.sqrt(_dot(u, u))[:, None]
    normal = up - _dot(u, up)[:, None] * u
    normal = normal / np.sqrt(_dot(normal, normal))[:, None]
    return _dot(b - a, normal) / scale
