"""Forward kinematics of the avatar: a commanded posture -> 33 BlazePose joints.

World frame: metres, x = the player's left when facing forward (yaw 0),
y = up, z = forward; the floor is y = 0. A :class:`Command` fixes the pelvis,
the trunk orientation and, per limb, an end-effector target and a pole
(the direction the elbow/knee bends toward). Limbs are solved with analytic
two-bone IK, so every bone keeps its exact length whatever is commanded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sensors.joints import NUM_JOINTS, Joint
from sensors.synthetic.body import Body

J = Joint
UP = np.array([0.0, 1.0, 0.0])
MIRROR_X = np.array([-1.0, 1.0, 1.0])  #: reflects a left-side vector to the right side
#: limb order used by Command.targets / Command.poles
LIMBS = ("left_arm", "right_arm", "left_leg", "right_leg")
LIMB_JOINTS = (
    (J.LEFT_SHOULDER, J.LEFT_ELBOW, J.LEFT_WRIST),
    (J.RIGHT_SHOULDER, J.RIGHT_ELBOW, J.RIGHT_WRIST),
    (J.LEFT_HIP, J.LEFT_KNEE, J.LEFT_ANKLE),
    (J.RIGHT_HIP, J.RIGHT_KNEE, J.RIGHT_ANKLE),
)
_ROOT = np.array([j[0] for j in LIMB_JOINTS])
_MID = np.array([j[1] for j in LIMB_JOINTS])
_END = np.array([j[2] for j in LIMB_JOINTS])

# face points in the head frame, directions from the head's centre (x left, y up, z forward): each
# lies on the head sphere's surface (scaled to unit length below), on the skin the depth map draws, as
# a pose model's face points lie on a face's skin
_FACE = {
    J.NOSE: (0.0, -0.05, 1.05),
    J.LEFT_EYE_INNER: (0.15, 0.30, 0.95),
    J.LEFT_EYE: (0.33, 0.30, 0.90),
    J.LEFT_EYE_OUTER: (0.50, 0.30, 0.80),
    J.LEFT_EAR: (0.95, 0.15, 0.0),
    J.MOUTH_LEFT: (0.25, -0.45, 0.90),
}
_FACE_IDX = np.array([int(j) for j in _FACE] + [int(Joint[j.name.replace("LEFT", "RIGHT")]) for j in list(_FACE)[1:]])
_FACE_LOCAL = np.array(list(_FACE.values()) + [(-x, y, z) for x, y, z in list(_FACE.values())[1:]])
_FACE_LOCAL /= np.linalg.norm(_FACE_LOCAL, axis=1, keepdims=True)


def rot_x(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_y(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rot_z(deg: float) -> np.ndarray:
    c, s = math.cos(math.radians(deg)), math.sin(math.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def trunk_rotation(yaw_deg: float, pitch_deg: float, roll_deg: float = 0.0) -> np.ndarray:
    """Body-local -> world rotation (3, 3). pitch > 0 leans the trunk forward."""
    return rot_y(yaw_deg) @ rot_x(pitch_deg) @ rot_z(roll_deg)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.sqrt((v * v).sum(axis=-1, keepdims=True))


@dataclass(slots=True)
class Command:
    """A posture to realise. Shapes: pelvis (3,), targets/poles (4, 3) in LIMBS order,
    foot_dirs (2, 3) unit ankle->toe directions (left, right); hand_dirs (2, 3)
    unit wrist->knuckle directions for hands resting on something (None: the
    hands continue the forearms); all world frame."""

    pelvis: np.ndarray
    yaw_deg: float
    pitch_deg: float
    roll_deg: float
    head_pitch_deg: float
    targets: np.ndarray
    poles: np.ndarray
    foot_dirs: np.ndarray
    hand_dirs: np.ndarray | None = None

    def rotation(self) -> np.ndarray:
        return trunk_rotation(self.yaw_deg, self.pitch_deg, self.roll_deg)

    def lerp(self, other: Command, w: float) -> Command:
        """Blend towards ``other`` by ``w`` in [0, 1] (setup transitions)."""

        def mix(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return a + (b - a) * w

        return Command(
            pelvis=mix(self.pelvis, other.pelvis),
            yaw_deg=self.yaw_deg + (other.yaw_deg - self.yaw_deg) * w,
            pitch_deg=self.pitch_deg + (other.pitch_deg - self.pitch_deg) * w,
            roll_deg=self.roll_deg + (other.roll_deg - self.roll_deg) * w,
            head_pitch_deg=self.head_pitch_deg + (other.head_pitch_deg - self.head_pitch_deg) * w,
            targets=mix(self.targets, other.targets),
            poles=_unit(mix(self.poles, other.poles) + 1e-9),
            foot_dirs=_unit(mix(self.foot_dirs, other.foot_dirs) + 1e-9),
            hand_dirs=_mix_dirs(self.hand_dirs, other.hand_dirs, self.targets, other.targets, w),
        )


def _mix_dirs(
    a: np.ndarray | None, b: np.ndarray | None, ta: np.ndarray, tb: np.ndarray, w: float
) -> np.ndarray | None:
    """Blend optional hand directions; a free hand blends as 'straight down'."""
    if a is None and b is None:
        return None
    down = np.array([[0.0, -1.0, 0.0], [0.0, -1.0, 0.0]])
    a = down if a is None else a
    b = down if b is None else b
    return _unit(a + (b - a) * w + 1e-9)


def hip_positions(body: Body, pelvis: np.ndarray, rot: np.ndarray) -> np.ndarray:
    """(2, 3) left and right hip joints."""
    side = rot[:, 0] * body.hip_half_w_m
    return np.stack([pelvis + side, pelvis - side])


def shoulder_positions(body: Body, pelvis: np.ndarray, rot: np.ndarray) -> np.ndarray:
    """(2, 3) left and right shoulder joints."""
    mid = pelvis + rot[:, 1] * body.torso_m
    side = rot[:, 0] * body.shoulder_half_w_m
    return np.stack([mid + side, mid - side])


def limb_from_angles(
    root: np.ndarray,
    rot: np.ndarray,
    right: bool,
    lengths: tuple[float, float],
    flex_deg: float,
    abd_deg: float = 0.0,
    bend_deg: float = 0.0,
    twist_deg: float = 0.0,
    leg: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """End target and pole for a limb posed by anatomical angles relative to the trunk.

    flex: forward raise from hanging down; abd: sideways raise (away from the
    midline); bend: elbow/knee flexion (0 = straight); twist: outward rotation
    of the upper segment (turns the bending plane). Arms bend forward-up,
    legs bend backward. Returns (target (3,), pole (3,)) in the world frame.
    """
    r = rot_z(abd_deg) @ rot_x(-flex_deg)
    u = r @ np.array([0.0, -1.0, 0.0])
    w = r @ np.array([0.0, 0.0, -1.0 if leg else 1.0])
    t = math.radians(twist_deg)
    w = w * math.cos(t) - cross(u, w) * math.sin(t)
    b = math.radians(bend_deg)
    end = lengths[0] * u + lengths[1] * (math.cos(b) * u + math.sin(b) * w)
    pole = -w
    if right:
        end, pole = end * MIRROR_X, pole * MIRROR_X
    return root + rot @ end, rot @ pole


def two_bone_ik(
    root: np.ndarray, target: np.ndarray, l1: np.ndarray, l2: np.ndarray, pole: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Solve n two-bone chains. Shapes: root/target/pole (n, 3), l1/l2 (n,).

    Returns (mid (n, 3), end (n, 3), interior angle at mid in degrees (n,),
    bend direction v (n, 3)). An unreachable target is approached along the
    root->target line as far as the limb reaches.
    """
    d_vec = target - root
    d = np.linalg.norm(d_vec, axis=1)
    u = d_vec / np.maximum(d, 1e-9)[:, None]
    d_c = np.clip(d, np.abs(l1 - l2) + 1e-6, (l1 + l2) * (1 - 1e-9))
    cos_a = (l1 * l1 + d_c * d_c - l2 * l2) / (2 * l1 * d_c)
    sin_a = np.sqrt(np.maximum(0.0, 1 - cos_a * cos_a))
    v = pole - np.sum(pole * u, axis=1)[:, None] * u
    vn = np.linalg.norm(v, axis=1)
    bad = vn < 1e-6
    if bad.any():  # pole parallel to the limb: bend in any perpendicular direction
        alt = cross(u[bad], np.array([1.0, 0.0, 0.0]))
        alt[np.linalg.norm(alt, axis=1) < 1e-6] = cross(u[bad], UP)[np.linalg.norm(alt, axis=1) < 1e-6]
        v[bad] = alt
        vn = np.linalg.norm(v, axis=1)
    v = v / vn[:, None]
    mid = root + l1[:, None] * (cos_a[:, None] * u + sin_a[:, None] * v)
    end = root + d_c[:, None] * u
    cos_m = np.clip((l1 * l1 + l2 * l2 - d_c * d_c) / (2 * l1 * l2), -1.0, 1.0)
    return mid, end, np.degrees(np.arccos(cos_m)), v


def angle_deg(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Angle ABC in degrees (180 = straight) for 3-vectors."""
    v1, v2 = a - b, c - b
    cos = float(np.dot(v1, v2) / (np.linalg.norm(v1) * np.linalg.norm(v2)))
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def solve(body: Body, cmd: Command) -> tuple[np.ndarray, dict[str, float], np.ndarray]:
    """Realise ``cmd``: world joints (33, 3), the joint angles (degrees) it
    produces and the head sphere's centre (3,).

    Angles: ``left_knee``/``right_knee``/``left_elbow``/``right_elbow`` are the
    interior angles of the IK triangles (180 = straight); ``left_hip`` =
    angle(shoulder, hip, knee); ``left_shoulder`` = angle(hip, shoulder, elbow);
    ``trunk_lean`` = angle between hip-mid->shoulder-mid and vertical.
    """
    rot = cmd.rotation()
    out = np.empty((NUM_JOINTS, 3))
    hips = hip_positions(body, cmd.pelvis, rot)
    shoulders = shoulder_positions(body, cmd.pelvis, rot)
    out[J.LEFT_HIP], out[J.RIGHT_HIP] = hips
    out[J.LEFT_SHOULDER], out[J.RIGHT_SHOULDER] = shoulders
    roots = np.concatenate([shoulders, hips])
    l1 = np.array([body.upper_arm_m, body.upper_arm_m, body.thigh_m, body.thigh_m])
    l2 = np.array([body.forearm_m, body.forearm_m, body.shank_m, body.shank_m])
    mid, end, interior, bend = two_bone_ik(roots, cmd.targets, l1, l2, cmd.poles)
    out[_MID] = mid
    out[_END] = end
    _place_hands(body, out, mid[:2], end[:2], bend[:2], cmd.hand_dirs)
    _place_feet(body, out, end[2:], cmd.foot_dirs, rot[:, 0])
    head = _place_face(body, out, (shoulders[0] + shoulders[1]) / 2, rot @ rot_x(cmd.head_pitch_deg))
    trunk = (shoulders[0] + shoulders[1] - hips[0] - hips[1]) / 2
    lean = math.degrees(math.acos(max(-1.0, min(1.0, trunk[1] / np.linalg.norm(trunk)))))
    angles = {
        "left_elbow": float(interior[0]),
        "right_elbow": float(interior[1]),
        "left_knee": float(interior[2]),
        "right_knee": float(interior[3]),
        "left_hip": angle_deg(out[J.LEFT_SHOULDER], out[J.LEFT_HIP], out[J.LEFT_KNEE]),
        "right_hip": angle_deg(out[J.RIGHT_SHOULDER], out[J.RIGHT_HIP], out[J.RIGHT_KNEE]),
        "left_shoulder": angle_deg(out[J.LEFT_HIP], out[J.LEFT_SHOULDER], out[J.LEFT_ELBOW]),
        "right_shoulder": angle_deg(out[J.RIGHT_HIP], out[J.RIGHT_SHOULDER], out[J.RIGHT_ELBOW]),
        "trunk_lean": lean,
    }
    return out, angles, head


_HAND_IDX = np.array([[J.LEFT_INDEX, J.LEFT_PINKY, J.LEFT_THUMB], [J.RIGHT_INDEX, J.RIGHT_PINKY, J.RIGHT_THUMB]])
# hand points as (along the forearm, sideways, palm normal) per metre of hand length
_HAND_LOCAL = np.array([[1.0, 0.2, 0.0], [0.85, -0.45, 0.0], [0.45, 0.6, 0.2]])
_FOOT_IDX = np.array([[J.LEFT_HEEL, J.LEFT_FOOT_INDEX], [J.RIGHT_HEEL, J.RIGHT_FOOT_INDEX]])


def cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Cross product of (..., 3) arrays (np.cross is slow for tiny arrays)."""
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    out = np.empty(np.broadcast_shapes(a.shape, b.shape))
    out[..., 0] = a1 * b2 - a2 * b1
    out[..., 1] = a2 * b0 - a0 * b2
    out[..., 2] = a0 * b1 - a1 * b0
    return out


def _place_hands(
    body: Body, out: np.ndarray, elbows: np.ndarray, wrists: np.ndarray, bend: np.ndarray, dirs: np.ndarray | None
) -> None:
    """Index, pinky and thumb rigidly on each hand: a frame from the hand's axis
    (the forearm's, or ``dirs``) and the limb's bend direction, mirrored for the right hand."""
    forearm = _unit(wrists - elbows)  # (2, 3)
    h = forearm if dirs is None else dirs
    side = cross(h, bend)
    weak = np.linalg.norm(side, axis=1) < 0.2  # hand axis close to the bend direction: use the forearm
    if weak.any():
        side[weak] = cross(h[weak], cross(forearm[weak], bend[weak]) + 1e-9 * forearm[weak])
    side = _unit(side)
    side[1] = -side[1]
    normal = cross(side, h)
    frame = np.stack([h, side, normal], axis=1)  # (2, 3 axes, 3)
    out[_HAND_IDX] = wrists[:, None, :] + body.hand_m * np.einsum("pk,hkc->hpc", _HAND_LOCAL, frame)


def _place_feet(body: Body, out: np.ndarray, ankles: np.ndarray, foot_dirs: np.ndarray, lateral: np.ndarray) -> None:
    """Heel and foot index rigidly on each foot. The foot rolls with the pelvis:
    its 'up' is perpendicular to the foot axis and the pelvis' left-right axis."""
    up = cross(foot_dirs, lateral[None, :])
    n = np.linalg.norm(up, axis=1, keepdims=True)
    up = np.where(n > 1e-6, up / np.maximum(n, 1e-9), UP)
    drop = 0.75 * body.ankle_h_m
    out[_FOOT_IDX[:, 0]] = ankles - foot_dirs * body.heel_back_m - up * drop
    out[_FOOT_IDX[:, 1]] = ankles + foot_dirs * body.foot_fwd_m - up * drop


def _place_face(body: Body, out: np.ndarray, shoulder_mid: np.ndarray, head_rot: np.ndarray) -> np.ndarray:
    centre = shoulder_mid + head_rot[:, 1] * body.neck_m
    out[_FACE_IDX] = centre + (_FACE_LOCAL * body.head_r_m) @ head_rot.T
    return centre
