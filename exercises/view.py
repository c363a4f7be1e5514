"""View detection with hysteresis: is the camera in front of the body, beside it, or in between?

The body's turn (yaw, 0 = facing the camera, 90 = side-on) is estimated
from the depth spread of the shoulder and hip lines in 3D (MediaPipe world
landmarks or depth), which on the shared clips separates front (2-4 deg)
from side (74-88 deg) views cleanly, or, without 3D, from 2D shoulder/hip
widths against the torso length (biased: a square-on real body reads
30-45 deg); it is low-passed, and a new view must be clear of the boundary by
``hysteresis_deg`` and persist for ``dwell_s`` before it is reported.
"""

from __future__ import annotations

import math

from exercises import geometry as geo
from exercises.events import View
from sensors.pose import PoseFrame

FRONT_MAX_DEG = 30.0  #: yaw below this is a front view
SIDE_MIN_DEG = 58.0  #: yaw above this is a side view


def classify_yaw(yaw_deg: float, current: View = View.UNKNOWN, hysteresis_deg: float = 5.0) -> View:
    """FRONT / OBLIQUE / SIDE for a yaw, keeping ``current`` within ``hysteresis_deg`` of a boundary."""
    if not math.isfinite(yaw_deg):
        return current
    front_max = FRONT_MAX_DEG + (hysteresis_deg if current is View.FRONT else 0.0)
    front_max -= hysteresis_deg if current is View.OBLIQUE else 0.0
    side_min = SIDE_MIN_DEG - (hysteresis_deg if current is View.SIDE else 0.0)
    side_min += hysteresis_deg if current is View.OBLIQUE else 0.0
    if yaw_deg < front_max:
        return View.FRONT
    if yaw_deg > side_min:
        return View.SIDE
    return View.OBLIQUE


def estimate_yaw_deg(frame: PoseFrame, front_ratio: float = geo.FRONT_WIDTH_RATIO) -> float:
    """The body's turn from the camera (degrees, 0..90) in one frame; NaN without a player."""
    yaw_3d = geo.yaw_from_world_deg(frame.world_xyz_m)
    if math.isfinite(yaw_3d):
        return yaw_3d
    return geo.yaw_from_widths_deg(frame.image_xy_px, front_ratio)


class ViewTracker:
    """Low-passed yaw -> view with hysteresis and a minimum dwell."""

    def __init__(
        self,
        front_ratio: float = geo.FRONT_WIDTH_RATIO,
        tau_s: float = 0.3,
        dwell_s: float = 0.3,
        hysteresis_deg: float = 5.0,
    ) -> None:
        self.front_ratio = front_ratio
        self.tau_s = tau_s
        self.dwell_s = dwell_s
        self.hysteresis_deg = hysteresis_deg
        self.view = View.UNKNOWN
        self.yaw_deg = math.nan
        self._t = math.nan
        self._cand = View.UNKNOWN
        self._cand_t = math.nan

    def update(self, frame: PoseFrame, present: bool | None = None) -> bool:
        """Feed a frame (``present``: ``frame.has_player`` if already known); True when the view changed."""
        if present is None:
            present = frame.has_player
        yaw = estimate_yaw_deg(frame, self.front_ratio) if present else math.nan
        if not math.isfinite(yaw):
            return False
        t = frame.t_s
        if math.isfinite(self.yaw_deg) and math.isfinite(self._t):
            alpha = 1.0 - math.exp(-max(t - self._t, 0.0) / self.tau_s) if self.tau_s > 0 else 1.0
            self.yaw_deg += alpha * (yaw - self.yaw_deg)
        else:
            self.yaw_deg = yaw
        self._t = t
        cand = classify_yaw(self.yaw_deg, self.view, self.hysteresis_deg)
        if self.view is View.UNKNOWN:  # first sighting: report at once
            self.view = cand
            return True
        if cand is self.view:
            self._cand = self.view
            return False
        if cand is not self._cand:
            self._cand, self._cand_t = cand, t
        if t - self._cand_t >= self.dwell_s:
            self.view = cand
            return True
        return False
