"""The player's own proportions, measured from a short standing capture.

A plain data object (the game stores it per profile). Proportion-dependent
rule thresholds adapt through :meth:`Calibration.ratio` (see ``adapt:`` in
the exercise format).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from exercises import geometry as geo
from sensors.joints import Joint
from sensors.pose import JointSource, PoseFrame

J = Joint

#: segment name -> (left joints, right joints); lengths are the mean of both sides
SEGMENTS: dict[str, tuple[tuple[Joint, Joint], tuple[Joint, Joint]]] = {
    "upper_arm": ((J.LEFT_SHOULDER, J.LEFT_ELBOW), (J.RIGHT_SHOULDER, J.RIGHT_ELBOW)),
    "forearm": ((J.LEFT_ELBOW, J.LEFT_WRIST), (J.RIGHT_ELBOW, J.RIGHT_WRIST)),
    "thigh": ((J.LEFT_HIP, J.LEFT_KNEE), (J.RIGHT_HIP, J.RIGHT_KNEE)),
    "shin": ((J.LEFT_KNEE, J.LEFT_ANKLE), (J.RIGHT_KNEE, J.RIGHT_ANKLE)),
    "shoulder_width": ((J.LEFT_SHOULDER, J.RIGHT_SHOULDER), (J.LEFT_SHOULDER, J.RIGHT_SHOULDER)),
    "hip_width": ((J.LEFT_HIP, J.RIGHT_HIP), (J.LEFT_HIP, J.RIGHT_HIP)),
}
#: neutral (standing) angles measured: name -> (a, b, c) sided joint triples
NEUTRAL_ANGLES: dict[str, tuple[tuple[Joint, Joint, Joint], tuple[Joint, Joint, Joint]]] = {
    "knee": ((J.LEFT_HIP, J.LEFT_KNEE, J.LEFT_ANKLE), (J.RIGHT_HIP, J.RIGHT_KNEE, J.RIGHT_ANKLE)),
    "hip": ((J.LEFT_SHOULDER, J.LEFT_HIP, J.LEFT_KNEE), (J.RIGHT_SHOULDER, J.RIGHT_HIP, J.RIGHT_KNEE)),
    "elbow": ((J.LEFT_SHOULDER, J.LEFT_ELBOW, J.LEFT_WRIST), (J.RIGHT_SHOULDER, J.RIGHT_ELBOW, J.RIGHT_WRIST)),
}


@dataclass(frozen=True, slots=True)
class Calibration:
    """Segment lengths (metres), neutral standing angles (degrees) and the torso length in pixels."""

    segments_m: Mapping[str, float] = field(default_factory=dict)  #: torso, thigh, shin, upper_arm, ...
    neutral_deg: Mapping[str, float] = field(default_factory=dict)  #: knee, hip, elbow
    torso_px: float = math.nan  #: torso length in the image (normalises 2D distances)

    def ratio(self, name: str) -> float:
        """One of ``thigh_to_torso``, ``shin_to_thigh``, ``upper_arm_to_torso``, ``leg_to_torso`` (NaN if unknown)."""
        s = self.segments_m
        num, _, den = name.partition("_to_")
        top = s.get("thigh", math.nan) + s.get("shin", math.nan) if num == "leg" else s.get(num, math.nan)
        bottom = s.get(den, math.nan)
        return top / bottom if bottom and math.isfinite(bottom) else math.nan

    @staticmethod
    def from_frames(frames: Iterable[PoseFrame]) -> Calibration:
        """Median segment lengths and angles over frames of a player standing still.

        3D lengths come from depth-fused joints when every joint of the
        segment is depth-measured, else from MediaPipe world landmarks.
        Raises ValueError when no frame has a player.
        """
        lengths: dict[str, list[float]] = {k: [] for k in (*SEGMENTS, "torso")}
        angles: dict[str, list[float]] = {k: [] for k in NEUTRAL_ANGLES}
        torso_px: list[float] = []
        n = 0
        for f in frames:
            if not f.has_player:
                continue
            n += 1
            pts = f.camera_xyz_m if bool((f.source[[J.LEFT_HIP, J.LEFT_SHOULDER]] == JointSource.DEPTH).all()) else None
            pts = pts if pts is not None else f.world_xyz_m
            for name, sides in SEGMENTS.items():
                d = [geo.distance(pts[a], pts[b]) for a, b in sides]
                lengths[name].append(float(np.nanmean(d)) if np.isfinite(d).any() else math.nan)
            lengths["torso"].append(geo.torso_length(pts))
            for name, tri in NEUTRAL_ANGLES.items():
                v = [geo.angle_deg(pts[a], pts[b], pts[c]) for a, b, c in tri]
                angles[name].append(float(np.nanmean(v)) if np.isfinite(v).any() else math.nan)
            torso_px.append(geo.torso_length(f.image_xy_px))
        if n == 0:
            raise ValueError("calibration: expected frames with a player standing still, found none")

        def med(xs: list[float]) -> float:
            a = np.asarray(xs, dtype=np.float64)
            a = a[np.isfinite(a)]
            return float(np.median(a)) if a.size else math.nan

        return Calibration(
            segments_m={k: med(v) for k, v in lengths.items()},
            neutral_deg={k: med(v) for k, v in angles.items()},
            torso_px=med(torso_px),
        )
