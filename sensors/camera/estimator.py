"""MediaPipe pose estimation: RGB image in, :class:`PoseFrame` out.

The built-in model is ``mediapipe.solutions.pose.Pose(model_complexity=1)``
(the "full" model shipped inside the mediapipe wheel). A local MediaPipe Tasks
``.task`` file can be used instead through ``pose_model=``.

Orientation-aware inference (``orientation=``):

* ``"off"``: the model always sees the frame as captured.
* ``"auto"`` (default): when the previous pose's torso lies within ~45° of the
  image horizontal, the frame is turned 90° so the body stands up, and the
  landmarks are turned back. When the model finds nobody shortly after a body
  was seen, the other orientations are tried on the same frame; a pose found
  that way is kept only if it is believable (torso visible, about the size of
  the body last seen), since a model shown a rotated view of a body it could
  not find upright tends to return a small crumpled skeleton.
* ``"upright"``: as ``"auto"``, and while nobody has been seen recently every
  orientation is tried on every frame (finds a body that is horizontal from
  the first frame; up to 3 inferences per empty frame, for offline analysis).

Each orientation has its own MediaPipe graph (video-mode tracking state is per
orientation); a graph that was not used on the previous frame is reset before
use so stale tracking never leaks into the new view.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from sensors.camera.orientation import (
    ORIENTATION_MODES,
    Rotation,
    body_size_px,
    choose_rotation,
    fallback_order,
    plausible_rescue,
    rotate_image,
    rotated_size,
    torso_axis_px,
    unrotate_points,
    unrotate_world,
)
from sensors.errors import MissingDependency, SensorError, SourceUnavailable
from sensors.joints import NUM_JOINTS
from sensors.pose import JointSource, PoseFrame, TrackingState

MODELS = ("lite", "full", "heavy")
#: after a body was last seen, failed frames try other orientations for this many frames
RECENT_BODY_FRAMES = 15

_INSTALL = "pip install 'mediapipe>=0.10.18,<=0.10.21'"


@dataclass(frozen=True, slots=True)
class RawPose:
    """One model result in the coordinates of the image the model saw.

    ``xy_px`` (33, 2) pixels, ``world_xyz_m`` (33, 3) metres, ``visibility`` (33,).
    """

    xy_px: np.ndarray
    world_xyz_m: np.ndarray
    visibility: np.ndarray


def _import_mediapipe() -> Any:
    from sensors.native_log import quiet_native_logs

    quiet_native_logs()  # MediaPipe and TFLite print from C++ straight to fd 2
    try:
        import mediapipe as mp
    except ImportError as e:  # pragma: no cover - mediapipe is a hard dependency
        raise MissingDependency(f"MediaPipe is not installed ({e}); install it with: {_INSTALL}") from e
    return mp


def _landmarks_to_arrays(landmarks: Any, world: Any, size_px: tuple[int, int]) -> RawPose:
    w, h = size_px
    arr = np.array([(lm.x, lm.y, lm.visibility) for lm in landmarks], dtype=np.float64)
    world_arr = (
        np.array([(lm.x, lm.y, lm.z) for lm in world], dtype=np.float64)
        if world is not None and len(world) == NUM_JOINTS
        else np.full((NUM_JOINTS, 3), np.nan)
    )
    xy = arr[:, :2] * np.array([w, h], dtype=np.float64)
    return RawPose(xy_px=xy, world_xyz_m=world_arr, visibility=arr[:, 2])


class _SolutionsGraph:
    """``mediapipe.solutions.pose.Pose`` with the in-wheel full model."""

    _OUTPUTS = ("pose_landmarks", "pose_world_landmarks", "segmentation_mask")

    def __init__(
        self,
        static_image_mode: bool,
        min_detection_confidence: float,
        min_tracking_confidence: float,
        smooth_landmarks: bool = True,
    ):
        mp = _import_mediapipe()
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=static_image_mode,
            model_complexity=1,
            # On by default, measured (`repquest bench smoothing`, the 32 shared clips, both ways):
            # MediaPipe's filter delays the landmarks by a median 10 ms (18 ms after the tracker,
            # against 8 ms on unsmoothed input), but without it the tracker's output jitters 1.5x as
            # much and the form engine counts 30/32 exact instead of 31/32 (a quarter squat 3 -> 0).
            smooth_landmarks=smooth_landmarks,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def infer(self, rgb: np.ndarray, t_s: float) -> RawPose | None:
        result = self._pose.process(rgb)
        try:
            if result.pose_landmarks is None:
                return None
            world = result.pose_world_landmarks.landmark if result.pose_world_landmarks is not None else None
            h, w = rgb.shape[:2]
            return _landmarks_to_arrays(result.pose_landmarks.landmark, world, (w, h))
        finally:
            # process() returns a new namedtuple *class* holding the protobuf results as class
            # attributes; classes live in reference cycles, so without this every frame's
            # protobufs would wait for the cyclic GC (and be freed in whatever thread runs it).
            for name in self._OUTPUTS:
                if hasattr(result, name):
                    setattr(result, name, None)

    def reset(self) -> None:
        self._pose.reset()

    def close(self) -> None:
        self._pose.close()


class _TasksGraph:
    """MediaPipe Tasks ``PoseLandmarker`` from a local ``.task`` file."""

    def __init__(
        self, path: Path, static_image_mode: bool, min_detection_confidence: float, min_tracking_confidence: float
    ):
        mp = _import_mediapipe()
        from mediapipe.tasks.python import BaseOptions, vision

        self._mp = mp
        self._video = not static_image_mode
        mode = vision.RunningMode.IMAGE if static_image_mode else vision.RunningMode.VIDEO
        options = vision.PoseLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(path)),
            running_mode=mode,
            num_poses=1,
            min_pose_detection_confidence=min_detection_confidence,
            min_pose_presence_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )
        try:
            self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError) as e:
            first_line = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise SourceUnavailable(
                f"pose model {path}: MediaPipe cannot load it as a PoseLandmarker .task model ({first_line}); "
                "pass a pose_landmarker_*.task file"
            ) from e
        self._last_ms = -1

    def infer(self, rgb: np.ndarray, t_s: float) -> RawPose | None:
        image = self._mp.Image(image_format=self._mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))
        if self._video:
            ts_ms = max(round(t_s * 1000.0), self._last_ms + 1)  # must strictly increase
            self._last_ms = ts_ms
            result = self._landmarker.detect_for_video(image, ts_ms)
        else:
            result = self._landmarker.detect(image)
        if not result.pose_landmarks:
            return None
        world = result.pose_world_landmarks[0] if result.pose_world_landmarks else None
        h, w = rgb.shape[:2]
        return _landmarks_to_arrays(result.pose_landmarks[0], world, (w, h))

    def reset(self) -> None:  # the Tasks API has no reset; its tracker re-detects on its own
        pass

    def close(self) -> None:
        self._landmarker.close()


class PoseEstimator:
    """MediaPipe pose on RGB images, optionally turning horizontal bodies upright.

    >>> with PoseEstimator() as est:
    ...     frame = est.estimate(rgb, t_s=0.0, index=0)   # rgb: (H, W, 3) uint8 RGB
    """

    def __init__(
        self,
        model: str = "full",
        pose_model: Path | None = None,
        orientation: str = "auto",
        static_image_mode: bool = False,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
        smooth_landmarks: bool = True,
    ) -> None:
        if orientation not in ORIENTATION_MODES:
            raise SensorError(f"orientation {orientation!r}: expected one of {', '.join(ORIENTATION_MODES)}")
        if model not in MODELS:
            raise SensorError(f"pose model {model!r}: expected one of {', '.join(MODELS)}")
        if model != "full" and pose_model is None:
            raise MissingDependency(
                f"the {model!r} pose model is not inside the mediapipe wheel; MediaPipe would download it from "
                "the internet, which fails offline. Use the built-in 'full' model, or pass "
                "--pose-model FILE.task with a local MediaPipe Tasks pose_landmarker model"
            )
        if pose_model is not None:
            pose_model = Path(pose_model)
            if not pose_model.is_file():
                raise SourceUnavailable(
                    f"pose model {pose_model}: file not found; expected a local MediaPipe Tasks "
                    "pose_landmarker .task file"
                )
        self.orientation = orientation
        self._pose_model = pose_model
        self._static = static_image_mode
        self._det_conf = min_detection_confidence
        self._trk_conf = min_tracking_confidence
        self._smooth = smooth_landmarks
        self._graphs: dict[Rotation, _SolutionsGraph | _TasksGraph] = {}
        self._last_used: Rotation | None = None
        self._current = Rotation.NONE  # orientation the next frame starts with
        self._last_axis: np.ndarray | None = None
        self._last_size_px: float | None = None
        self._frames_since_body = RECENT_BODY_FRAMES + 1
        self._closed = False
        self._graph(Rotation.NONE)  # build the upright graph now: errors surface at construction

    # -- graphs ----------------------------------------------------------------
    def _graph(self, rotation: Rotation) -> _SolutionsGraph | _TasksGraph:
        graph = self._graphs.get(rotation)
        if graph is None:
            if self._pose_model is not None:
                graph = _TasksGraph(self._pose_model, self._static, self._det_conf, self._trk_conf)
            else:
                graph = _SolutionsGraph(self._static, self._det_conf, self._trk_conf, self._smooth)
            self._graphs[rotation] = graph
        return graph

    def _run(self, rotation: Rotation, rgb: np.ndarray, t_s: float) -> RawPose | None:
        graph = self._graph(rotation)
        if not self._static and self._last_used is not None and self._last_used is not rotation:
            graph.reset()  # its tracking state belongs to an older frame
        self._last_used = rotation
        raw = graph.infer(rotate_image(rgb, rotation), t_s)
        if raw is None or rotation is Rotation.NONE:
            return raw
        h, w = rgb.shape[:2]
        return RawPose(
            xy_px=unrotate_points(raw.xy_px, rotation, (w, h)),
            world_xyz_m=unrotate_world(raw.world_xyz_m, rotation),
            visibility=raw.visibility,
        )

    # -- public ----------------------------------------------------------------
    def estimate(self, rgb: np.ndarray, t_s: float, index: int) -> PoseFrame:
        """The pose in ``rgb`` ((H, W, 3) uint8, RGB order) as a frame captured at ``t_s``.

        Every joint of a detected body is MONOCULAR with its visibility as
        confidence; ``camera_xyz_m`` is NaN (no depth). Nobody found ->
        an empty frame with ``tracking=NO_PLAYER``. ``meta['rotation']`` names
        the orientation the model saw (``none``, ``cw90``, ``ccw90``).
        """
        if self._closed:
            raise SensorError("PoseEstimator.estimate() after close(); create a new estimator")
        rgb = np.asarray(rgb)
        if rgb.ndim != 3 or rgb.shape[2] != 3 or rgb.dtype != np.uint8 or rgb.shape[0] == 0 or rgb.shape[1] == 0:
            raise ValueError(f"expected an (H, W, 3) uint8 RGB image, found shape {rgb.shape} dtype {rgb.dtype}")
        h, w = rgb.shape[:2]
        size = (w, h)
        primary = Rotation.NONE if self.orientation == "off" else self._current
        used = primary
        raw = self._run(primary, rgb, t_s)
        if raw is None and self.orientation != "off":
            searching = self.orientation == "upright" or self._frames_since_body <= RECENT_BODY_FRAMES
            if searching:
                for rotation in fallback_order(primary, self._last_axis):
                    rescued = self._run(rotation, rgb, t_s)
                    if rescued is not None and plausible_rescue(rescued.xy_px, rescued.visibility, self._last_size_px):
                        raw, used = rescued, rotation
                        break
        meta = {"rotation": used.value, "inference_size_px": rotated_size(size, used)}
        if raw is None:
            self._frames_since_body += 1
            if self._frames_since_body > RECENT_BODY_FRAMES:
                self._current = Rotation.NONE  # whoever comes next is most likely upright
            return PoseFrame.empty(t_s, index, size, tracking=TrackingState.NO_PLAYER, meta=meta)
        self._frames_since_body = 0
        self._last_axis = torso_axis_px(raw.xy_px)
        self._last_size_px = body_size_px(raw.xy_px)
        if self.orientation != "off":
            self._current = choose_rotation(raw.xy_px, used)
        n = NUM_JOINTS
        return PoseFrame(
            t_s=t_s,
            index=index,
            image_size_px=size,
            image_xy_px=raw.xy_px,
            camera_xyz_m=np.full((n, 3), np.nan),
            world_xyz_m=raw.world_xyz_m,
            confidence=np.clip(np.nan_to_num(raw.visibility, nan=0.0), 0.0, 1.0).astype(np.float32),
            source=np.full(n, JointSource.MONOCULAR, dtype=np.uint8),
            tracking=TrackingState.TRACKED,
            meta=meta,
        )

    def close(self) -> None:
        """Release every MediaPipe graph; closing twice is harmless."""
        if self._closed:
            return
        self._closed = True
        graphs, self._graphs = self._graphs, {}
        for graph in graphs.values():
            graph.close()

    def __enter__(self) -> PoseEstimator:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # nothing sensible to do in a finalizer
            self.close()
