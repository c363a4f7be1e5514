"""The camera setup check, as pure functions of a pose frame: whole body, distance, light, view.

Each check says whether it passes and, when it does not, what the player
should do, in words a player understands. :func:`required_pose` gives the
pose and view a level asks for, drawn from the synthetic avatar.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from exercises.view import classify_yaw, estimate_yaw_deg
from sensors.display_image import BRIGHTNESS
from sensors.display_image import brightness as image_brightness
from sensors.joints import Joint
from sensors.pose import PoseFrame

J = Joint
#: joints that must be in the picture for the whole body to count as seen
WHOLE_BODY: tuple[Joint, ...] = (J.NOSE, J.LEFT_SHOULDER, J.RIGHT_SHOULDER, J.LEFT_HIP, J.RIGHT_HIP,
                                 J.LEFT_KNEE, J.RIGHT_KNEE, J.LEFT_ANKLE, J.RIGHT_ANKLE)  # fmt: skip
_PARTNER = {a: b for a, b in zip(WHOLE_BODY[1::2], WHOLE_BODY[2::2], strict=True)}
_PARTNER |= {b: a for a, b in _PARTNER.items()}
MIN_CONFIDENCE = 0.3  #: a joint the tracker is at least this sure of counts as seen
EDGE_MARGIN = 0.02  #: joints this close to the image border (fraction of the size) count as cut off
#: body length (nose to ankles, up or across the picture) as a fraction of the image: closer than MAX, farther than MIN
BODY_HEIGHT_MIN, BODY_HEIGHT_MAX = 0.40, 0.88
#: mean image brightness (0..255) that counts as well lit
BRIGHTNESS_MIN, BRIGHTNESS_MAX = 55.0, 225.0


@dataclass(frozen=True, slots=True)
class Check:
    name: str  #: "body", "distance", "light", "view"
    ok: bool
    says: str  #: what the player sees: "Whole body in view" or "Step back: your feet are cut off"


def body_in_frame(frame: PoseFrame) -> Check:
    if not frame.has_player:
        return Check("body", False, "Stand in front of the camera")
    w, h = frame.image_size_px
    xy, ok = frame.image_xy_px, frame.visible & (frame.confidence >= MIN_CONFIDENCE)
    # side-on, the far arm and leg hide behind the near ones: a left/right pair is seen when either side is
    missing = [j for j in WHOLE_BODY if not ok[j] and not ok[_PARTNER.get(j, j)]]
    inside = all(
        EDGE_MARGIN * w <= xy[j, 0] <= (1 - EDGE_MARGIN) * w and EDGE_MARGIN * h <= xy[j, 1] <= (1 - EDGE_MARGIN) * h
        for j in WHOLE_BODY if ok[j]
    )  # fmt: skip
    if missing or not inside:
        feet = any(j in missing for j in (J.LEFT_ANKLE, J.RIGHT_ANKLE))
        return Check("body", False, "Your feet are cut off - step back" if feet else "Move so your whole body shows")
    return Check("body", True, "Whole body in view")


def distance(frame: PoseFrame) -> Check:
    ok = frame.visible & (frame.confidence >= MIN_CONFIDENCE)
    xy = frame.image_xy_px
    if not (ok[J.NOSE] and (ok[J.LEFT_ANKLE] or ok[J.RIGHT_ANKLE])):
        return Check("distance", False, "Step back until your feet show")
    # the body's length on the picture, head to feet: up the picture standing, across it lying on the floor
    ends = xy[[j for j in (J.NOSE, J.LEFT_ANKLE, J.RIGHT_ANKLE) if ok[j]]]
    w, h = frame.image_size_px
    height = max((ends[:, 1].max() - ends[:, 1].min()) / max(1, h), (ends[:, 0].max() - ends[:, 0].min()) / max(1, w))
    if height > BODY_HEIGHT_MAX:
        return Check("distance", False, "A little too close - step back")
    if height < BODY_HEIGHT_MIN:
        return Check("distance", False, "Too far - come closer")
    return Check("distance", True, "Good distance")


def light(frame: PoseFrame) -> Check:
    """The picture's brightness: of its colour image, or as the source's process measured it (the game then
    receives a display image instead, :mod:`sensors.display_image`)."""
    measured = frame.meta.get(BRIGHTNESS)
    if frame.rgb is not None:
        brightness = image_brightness(frame.rgb)
    elif isinstance(measured, float | int):
        brightness = float(measured)
    else:
        return Check("light", True, "Light: no image to judge (depth or pose-only source)")
    if brightness < BRIGHTNESS_MIN:
        return Check("light", False, "Too dark - turn on a light in front of you")
    if brightness > BRIGHTNESS_MAX:
        return Check("light", False, "Too bright - avoid a window behind you")
    return Check("light", True, "Light is fine")


def view(frame: PoseFrame, wanted: str) -> Check:
    """``wanted``: the level's hint, "front", "side" or "any"."""
    if wanted == "any":
        return Check("view", True, "Any view works for this level")
    yaw_deg = estimate_yaw_deg(frame)
    if not math.isfinite(yaw_deg):
        return Check("view", False, f"Stand {'side-on to' if wanted == 'side' else 'facing'} the camera")
    seen = classify_yaw(yaw_deg).value
    if seen == wanted:
        return Check("view", True, f"{'Side-on' if wanted == 'side' else 'Facing the camera'} - right for this level")
    return Check("view", False, "Turn side-on to the camera" if wanted == "side" else "Turn to face the camera")


def run_checks(frame: PoseFrame, wanted_view: str) -> list[Check]:
    return [body_in_frame(frame), distance(frame), light(frame), view(frame, wanted_view)]


@dataclass(frozen=True, slots=True)
class RequiredPose:
    """The posture a level asks for, as the synthetic avatar does it, seen from the level's view.

    ``start_xy`` and ``turn_xy`` are (33, 2) joint positions inside the unit square (x right, y down,
    both figures scaled together with their aspect kept); ``turn_xy`` is the far end of a rep (None
    for a hold, whose ``start_xy`` is the held pose)."""

    view: str  #: "side" or "front"
    start_xy: np.ndarray
    turn_xy: np.ndarray | None


def required_pose(motion: str, view: str) -> RequiredPose | None:
    """The required pose for the avatar's ``motion`` seen from ``view`` ("side", "front"; "any": the
    motion's usual view); None when the avatar has no such motion (a pack's own exercise)."""
    return _required_pose(motion, view)


@lru_cache(maxsize=32)
def _required_pose(motion: str, view: str) -> RequiredPose | None:
    from sensors.synthetic.body import make_body
    from sensors.synthetic.kinematics import solve
    from sensors.synthetic.motions import SPECS

    spec = SPECS.get(motion)
    if spec is None:
        return None
    seen = view if view in ("side", "front") else ("side" if spec.default_view == "side" else "front")
    body = make_body()
    poses = [solve(body, spec.motion(body, s, 0, {}, 1.0))[0] for s in ((1.0,) if spec.hold else (0.0, 1.0))]
    # a level camera: side-on it looks along the body's x axis, the player facing the picture's left (as the
    # demo avatar's side camera shows them)
    flat = [np.column_stack([-p[:, 2] if seen == "side" else p[:, 0], -p[:, 1]]) for p in poses]
    both = np.concatenate(flat)
    lo, span = both.min(axis=0), both.max(axis=0) - both.min(axis=0)
    scale = 1.0 / max(float(span.max()), 1e-6)
    offset = (1.0 - span * scale) / 2  # centred in the unit square
    unit = [(xy - lo) * scale + offset for xy in flat]
    return RequiredPose(seen, unit[0], unit[1] if len(unit) > 1 else None)
