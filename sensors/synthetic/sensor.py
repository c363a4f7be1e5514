"""The synthetic avatar as a pose source: ``synthetic:squat,view=side,...``."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from sensors.contract import Capabilities, Sensor
from sensors.joints import NUM_JOINTS, Joint
from sensors.pose import PoseFrame, TrackingState
from sensors.synthetic.body import make_body
from sensors.synthetic.camera import CameraPose, Intrinsics, place_camera
from sensors.synthetic.config import SyntheticConfig
from sensors.synthetic.corruption import Corruptor
from sensors.synthetic.kinematics import Command, solve
from sensors.synthetic.motions import SPECS
from sensors.synthetic.motions_lower import wall_z
from sensors.synthetic.motions_variants import bar_on_back
from sensors.synthetic.render import Capsules, Disc, SceneRenderer, disc_range_at, project_capsules, ranges_at
from sensors.synthetic.scene import (
    CAP_A,
    CAP_B,
    CAP_COLOUR,
    capsule_radii,
    joint_surface_radius,
    primitive_points,
)
from sensors.synthetic.timeline import Moment, Timeline, parse_fault_reps, rep_has_fault
from sensors.synthetic.truth import RepTruth, rep_side, reps_done_at, stream_truth
from sensors.synthetic.walker import walker_command, walker_path

OCCLUSION_MARGIN_M = 0.015  #: a surface this much in front of a joint's own surface hides it
PLATE_RADIUS_M = 0.225
WALKER_COLOUR = 5
WALKER_MAX_HIDDEN = 0.1  #: the model only jumps to a walker whose joints are at most this much hidden
BACK_WALL_M = 3.0  #: back wall distance behind the player (rendered images only)


CACHE_SIZE = 4096  #: cached postures (a rep at 30 fps needs ~100)


@dataclass(frozen=True, slots=True)
class _Player:
    """The avatar at one moment, camera frame: truth (33, 3), commanded angles,
    projected capsules, and self-occluded joints (33,)."""

    truth: np.ndarray
    angles: dict[str, float]
    caps: Capsules
    occluded: np.ndarray


class SyntheticSensor(Sensor):
    """A kinematic avatar doing one exercise in front of a virtual camera.

    Every frame carries ground truth (``truth_camera_xyz_m``) and meta:
    exercise, rep_index, side (alternating exercises), reps_done (+ _left/_right), phase,
    faults_active, joint_angles_deg, intrinsics
    (fx, fy, cx, cy), up_camera and forward_camera (the world's up and the
    player's facing direction in camera coordinates), walker_active, walker_reported, swapped.
    """

    scheme = "synthetic"

    def __init__(self, config: SyntheticConfig | None = None) -> None:
        super().__init__()
        c = self.config = config or SyntheticConfig()
        self.spec = SPECS[c.exercise]
        self.body = make_body(c.body, c.height_m)
        self.timeline = Timeline(c.reps, c.tempo, self.spec.hold, c.hold_s, c.setup and self.spec.floor)
        self.intrinsics = Intrinsics.from_fov(c.width, c.height, c.fov)
        self._fault_reps = parse_fault_reps(c.fault_reps)
        self._radii = capsule_radii(self.body.scale, self.body.head_r_m)
        self._joint_r = joint_surface_radius(self.body.scale, self.body.head_r_m)
        lo, hi = self._body_box()
        self.camera: CameraPose = place_camera(self.intrinsics, lo, hi, c.yaw, c.distance_m, c.cam_height_m, c.tilt_deg)
        self._centre = (lo + hi) / 2
        duration = self.timeline.duration_s
        self.n_frames: int | None = None if math.isinf(duration) else math.ceil(duration * c.fps)
        self._walker_body = make_body("average")
        self._walker = walker_path(self.camera, self.intrinsics, self._centre)
        after_first_rep = self.timeline.start_s + (3.0 if self.spec.hold else c.tempo)
        self._walker_t0 = c.walker_start_s if c.walker_start_s is not None else after_first_rep
        self._cache: dict[tuple[float, float, int, tuple[float, ...]], _Player] = {}
        self._renderer: SceneRenderer | None = None
        self._index = 0
        self._wall0 = 0.0

    # -- contract -----------------------------------------------------------
    @property
    def capabilities(self) -> Capabilities:
        c = self.config
        return Capabilities(
            has_depth=c.mode == "depth",
            has_images=c.images,
            nominal_fps=c.fps,
            is_live=False,
            is_finite=self.n_frames is not None,
        )

    def describe(self) -> str:
        return f"synthetic:{self.config.exercise}"

    def _open(self) -> None:
        c = self.config
        self._index = 0
        self._rng = np.random.default_rng(c.seed)
        self._depth_rng = np.random.default_rng([c.seed, 1])  # images never change the pose noise
        self._corruptor = Corruptor(
            self.intrinsics, self._rng, c.noise_px, c.dropout, c.swap, c.mode == "depth", c.depth_noise, c.outliers
        )
        self._wall0 = time.monotonic()

    def _close(self) -> None:
        self._renderer = None

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        if self.config.realtime:
            wait = self._wall0 + self._index / self.config.fps - time.monotonic()
            if wait > 0:
                if timeout_s is not None and wait > timeout_s:
                    time.sleep(timeout_s)
                    return None
                time.sleep(wait)
            else:  # like a live camera, a late reader gets the newest frame; the skipped ones
                # are still simulated (without images) so the pose noise stays seeded
                due = int((time.monotonic() - self._wall0) * self.config.fps)
                if self.n_frames is not None:
                    due = min(due, self.n_frames - 1)
                while self._index < due:
                    self.frame_at(self._index, images=False)
                    self._index += 1
        if self.n_frames is not None and self._index >= self.n_frames:
            self._mark_ended()
            return None
        frame = self.frame_at(self._index)
        self._index += 1
        return frame

    # -- the avatar ---------------------------------------------------------
    def command_at(self, m: Moment) -> tuple[Command, dict[str, float], int]:
        """The posture at moment ``m``, the fault weights used and the side (0 left, 1 right)."""
        weights, side = self._inputs(m)
        if m.setup_w >= 0:
            return self.spec.setup_pose(self.body, m.setup_w), weights, side
        return self.spec.motion(self.body, m.s, side, weights, self.config.depth), weights, side

    def _inputs(self, m: Moment) -> tuple[dict[str, float], int]:
        side = m.rep_index % 2 if self.spec.alternating and m.rep_index >= 0 else 0
        if m.setup_w < 0 and self.config.fault and rep_has_fault(m.rep_index, self._fault_reps):
            return dict.fromkeys(self.config.fault, m.fault_w), side
        return {}, side

    def _player(self, m: Moment) -> _Player:
        """The avatar at moment ``m`` in the camera frame. Reps repeat, so postures are cached."""
        weights, side = self._inputs(m)
        key = (m.setup_w, m.s, side, tuple(weights.values()))
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        world, angles, head = solve(self.body, self.command_at(m)[0])
        truth = self.camera.to_camera(world)
        points = primitive_points(truth, self.camera.to_camera(head[None])[0], self.body.scale)
        caps = project_capsules(self.intrinsics, *_capsule_ends(points), self._radii, CAP_COLOUR)
        player = _Player(truth, angles, caps, self._self_occluded(truth, caps))
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = player
        return player

    def _body_box(self) -> tuple[np.ndarray, np.ndarray]:
        """World bounding box (min, max) of the avatar over its whole motion."""
        pts = []
        sides = (0, 1) if self.spec.alternating else (0,)
        faults = dict.fromkeys(self.config.fault, 1.0)
        for s in (0.0, 0.25, 0.5, 0.75, 1.0):
            for side in sides:
                for f in ({}, faults):
                    world, _, head = solve(self.body, self.spec.motion(self.body, s, side, f, self.config.depth))
                    pts += [world, head[None] + self.body.head_r_m, head[None] - self.body.head_r_m]
        if self.timeline.setup:
            for w in (0.0, 0.25, 0.5, 0.75):
                world, _, head = solve(self.body, self.spec.setup_pose(self.body, w))
                pts += [world, head[None] + self.body.head_r_m]
        allp = np.concatenate(pts)
        margin = 0.1 * self.body.scale
        lo, hi = allp.min(axis=0) - margin, allp.max(axis=0) + margin
        lo[1] = 0.0
        return lo, hi

    def frame_at(self, index: int, images: bool = True) -> PoseFrame:
        """Frame ``index`` of the stream (call in order: noise and swaps carry state).
        ``images=False`` skips the rgb/depth render even when configured."""
        c = self.config
        t_rel = index / c.fps
        t_s = (self._wall0 if c.realtime else c.t0_s) + t_rel
        size = (c.width, c.height)
        walker = self._walker_at(t_rel)
        if not c.person:  # an empty room (the walker may still pass through the images)
            meta = self._meta(Moment(-1, "no_person", 0.0, 0.0, -1.0), {}, walker is not None, None)
            rgb, depth = self._images(walker[1] if walker else None, None) if images else (None, None)
            return PoseFrame.empty(
                t_s, index, size, TrackingState.NO_PLAYER, meta=meta, rgb=rgb, depth_m=depth, intrinsics=self.intrinsics
            )
        m = self.timeline.at(t_rel)
        player = self._player(m)
        truth, caps = player.truth, player.caps
        meta = self._meta(m, dict(player.angles), walker is not None, t_rel)
        plate = self._plate(truth) if c.occluder == "plate" else None
        all_caps = caps if walker is None else _merge(caps, walker[1])
        reported, occluded = truth, player.occluded
        if walker is not None:
            if self._walker_reported(index, walker[0], caps):
                reported = walker[0]  # a single-person model jumps to the other person
                meta["walker_reported"] = True
            occluded = self._self_occluded(reported, all_caps)
        hidden = self._plate_hidden(reported, plate)
        occluded = occluded & ~hidden
        dropped = self._corruptor.frame_dropped()
        rep = self._corruptor.report(reported, occluded, hidden)
        meta["swapped"] = rep.swapped
        rgb, depth = self._images(all_caps, plate) if images else (None, None)
        if dropped:  # the model missed the person this frame
            return PoseFrame.empty(
                t_s,
                index,
                size,
                TrackingState.NO_PLAYER,
                truth_camera_xyz_m=truth.copy(),
                meta=meta,
                rgb=rgb,
                depth_m=depth,
                intrinsics=self.intrinsics,
            )
        return PoseFrame(
            t_s=t_s,
            index=index,
            image_size_px=size,
            image_xy_px=rep.image_xy_px,
            camera_xyz_m=rep.camera_xyz_m,
            world_xyz_m=rep.world_xyz_m,
            confidence=rep.confidence,
            source=rep.source,
            truth_camera_xyz_m=truth.copy(),
            meta=meta,
            rgb=rgb,
            depth_m=depth,
            intrinsics=self.intrinsics,
        )

    @property
    def truth_reps(self) -> RepTruth | None:
        """Reps the avatar does over the whole stream (per side for alternating exercises);
        None when endless. Each frame's meta carries the reps done so far."""
        return stream_truth(self.timeline, self.spec.alternating)

    def _meta(self, m: Moment, angles: dict[str, float], walker_active: bool, t_rel: float | None) -> dict[str, Any]:
        c = self.config
        faults = tuple(c.fault) if c.fault and rep_has_fault(m.rep_index, self._fault_reps) else ()
        done = RepTruth(0) if t_rel is None else reps_done_at(self.timeline, t_rel, self.spec.alternating)
        return {
            "exercise": c.exercise,
            "rep_index": m.rep_index,
            "side": rep_side(m.rep_index, self.spec.alternating),
            **done.as_meta(),
            "phase": m.phase,
            "progress": m.s,
            "faults_active": faults,
            "joint_angles_deg": angles,
            "intrinsics": self.intrinsics.as_tuple(),
            "up_camera": tuple(self.camera.up_camera.tolist()),
            "forward_camera": tuple(self.camera.rot[:, 2].tolist()),
            "walker_active": walker_active,
            "walker_reported": False,
            "swapped": False,
        }

    # -- helpers ------------------------------------------------------------
    def _self_occluded(self, truth: np.ndarray, caps: Capsules) -> np.ndarray:
        """(33,) joints of ``truth`` with a body surface in front of their own surface."""
        xy = np.nan_to_num(self.intrinsics.project(truth), nan=-1e6)
        rng = ranges_at(caps, self.intrinsics.fx, xy[:, 0], xy[:, 1]).min(axis=1)
        return rng < np.linalg.norm(truth, axis=1) - self._joint_r - OCCLUSION_MARGIN_M

    def _plate_hidden(self, truth: np.ndarray, plate: Disc | None) -> np.ndarray:
        """(33,) joints of ``truth`` behind the plate."""
        if plate is None:
            return np.zeros(NUM_JOINTS, bool)
        return disc_range_at(plate, truth / truth[:, 2:3]) < np.linalg.norm(truth, axis=1)

    def _plate(self, truth: np.ndarray) -> Disc:
        """A barbell plate held in front of the hands, facing the camera; for a bar on the back
        (``squat_barbell``), the plate on the bar's end nearer the camera, facing along the bar."""
        if self.spec.bar_on_back:
            ends, axis = bar_on_back(self.body, truth)
            near = ends[int(np.argmin(np.linalg.norm(ends, axis=1)))]
            return Disc(near, axis, PLATE_RADIUS_M)
        hands = (truth[Joint.LEFT_WRIST] + truth[Joint.RIGHT_WRIST]) / 2
        toward = -hands / np.linalg.norm(hands)
        return Disc(hands + toward * 0.12 * self.body.scale, toward, PLATE_RADIUS_M)

    def _walker_at(self, t_rel: float) -> tuple[np.ndarray, Capsules] | None:
        if not self.config.walker:
            return None
        start, direction, crossing_s = self._walker
        tw = t_rel - self._walker_t0
        if not 0 <= tw <= crossing_s:
            return None
        body = self._walker_body
        world, _, head = solve(body, walker_command(body, start, direction, tw))
        truth = self.camera.to_camera(world)
        head_cam = self.camera.to_camera(head[None])[0]
        colours = np.where(CAP_COLOUR == 1, WALKER_COLOUR, CAP_COLOUR)
        radii = capsule_radii(body.scale, body.head_r_m)
        caps = project_capsules(
            self.intrinsics, *_capsule_ends(primitive_points(truth, head_cam, body.scale)), radii, colours
        )
        xy = self.intrinsics.project(truth)
        inside = (xy[:, 0] > 0) & (xy[:, 0] < self.config.width)
        return (truth, caps) if inside.any() else None

    def _walker_reported(self, index: int, walker_truth: np.ndarray, player: Capsules) -> bool:
        """A single-person model jumps to the walker, in bursts of 4 frames, while
        the walker is near the player in the image and mostly not hidden behind them."""
        xy_w = self.intrinsics.project(walker_truth)
        player_x = self.intrinsics.project(self._centre_cam())[0, 0]
        near = abs(float(np.nanmean(xy_w[:, 0])) - player_x) < 0.35 * self.config.width
        if not near or (index // 4) % 2:
            return False
        xy = np.nan_to_num(xy_w, nan=-1e6)
        in_front = ranges_at(player, self.intrinsics.fx, xy[:, 0], xy[:, 1]).min(axis=1)
        hidden = in_front < np.linalg.norm(walker_truth, axis=1)
        return bool(hidden.mean() < WALKER_MAX_HIDDEN)

    def _centre_cam(self) -> np.ndarray:
        return self.camera.to_camera(self._centre[None])

    def _images(self, caps: Capsules | None, plate: Disc | None) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(rgb or None, depth_m or None) as configured."""
        c = self.config
        if not (c.images or c.wants_depth_map):
            return None, None
        if self._renderer is None:
            self._renderer = SceneRenderer(self.intrinsics, self.camera, self._walls())
        discs = (plate,) if plate is not None else ()
        zbuf, rgb, box = self._renderer.render(caps, discs, with_rgb=c.images)
        depth = self._renderer.sensor_depth(zbuf, box, c.depth_noise, self._depth_rng) if c.wants_depth_map else None
        return rgb, depth

    def _walls(self) -> tuple[tuple[np.ndarray, float], ...]:
        """World planes (normal, offset): a back wall 3 m behind the player facing
        the camera, plus the wall a wall sit leans on."""
        n = self.camera.centre - self._centre
        n[1] = 0.0
        n /= np.linalg.norm(n)
        walls = [(n, float(n @ (self._centre - n * BACK_WALL_M)))]
        if self.config.exercise == "wall_sit":
            walls.append((np.array([0.0, 0.0, 1.0]), wall_z(self.body)))
        return tuple(walls)


def _capsule_ends(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return points[CAP_A], points[CAP_B]


def _merge(a: Capsules, b: Capsules) -> Capsules:
    return Capsules(*(np.concatenate([getattr(a, f), getattr(b, f)]) for f in Capsules.__slots__))
