"""One pose pipeline, one place: the chain every consumer (play, analyze, record) runs.

    source -> [player lock] -> swap fix -> [depth fusion] -> gravity -> tracker

:class:`PosePipeline` chains the stages (``sensors/pipeline/stages.py``) for
one stream; :class:`PipelineSensor` wraps any :class:`~sensors.contract.Sensor`
so that every frame read from it has been through the chain (step by step, on
the reading thread; live sources already capture and infer in their own
worker and hand over only the newest frame), and answers
:meth:`PipelineSensor.predict` for the display time. :func:`open_pipeline`
is :func:`~sensors.registry.open_source` plus the pipeline.

The lock stage is the only player lock (no source locks on its own). Depth
fusion is skipped for a source that fuses itself (a RealSense source,
``Capabilities.fuses_depth``).
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

from sensors.contract import Capabilities, Sensor, SensorState
from sensors.pipeline.stages import DepthFusionStage, GravityStage, LockStage, SwapFixStage, TrackStage
from sensors.pose import PoseFrame
from sensors.registry import SourceOptions, open_source
from sensors.tracking import PoseTracker, TrackerConfig
from sensors.tracking.snapshot import TrackerSnapshot, predict_pose


class Stage(Protocol):
    name: str

    def __call__(self, frame: PoseFrame) -> PoseFrame: ...

    def reset(self) -> None: ...


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Which stages run; ``track=False`` gives the untracked chain (raw joints, gravity filled)."""

    lock: bool = True
    swap_fix: bool = True
    depth_fusion: bool = True
    gravity: bool = True
    track: bool = True
    tracker: TrackerConfig = field(default_factory=lambda: TrackerConfig(fix_swaps=False))


def holds_config(holds: bool, base: PipelineConfig | None = None) -> PipelineConfig:
    """``base`` (the default) with the tracker's hold transitions for holds (see :meth:`PosePipeline.set_holds`)."""
    base = base or PipelineConfig()
    return dataclasses.replace(base, tracker=base.tracker.with_holds(holds))


class PosePipeline:
    """The stages for one stream; :meth:`process` each frame in order, :meth:`predict` any time."""

    def __init__(self, config: PipelineConfig | None = None, capabilities: Capabilities | None = None) -> None:
        self.config = c = config or PipelineConfig()
        caps = capabilities or Capabilities()
        self.tracker = PoseTracker(c.tracker)
        stages: list[Stage] = []
        if c.lock:
            stages.append(LockStage())
        if c.swap_fix:
            stages.append(SwapFixStage(self.tracker))
        if c.depth_fusion and not caps.fuses_depth:
            stages.append(DepthFusionStage())
        if c.gravity:
            stages.append(GravityStage())
        if c.track:
            stages.append(TrackStage(self.tracker))
        self.stages: tuple[Stage, ...] = tuple(stages)
        self.last: PoseFrame | None = None  #: the last processed frame
        #: the last frame's time in each stage and in all ("total"), ms (e.g. for the game's F3 overlay)
        self.stage_ms: dict[str, float] = {}
        #: the tracker's state at the last frame (None before one): :meth:`predict` reads only this
        self.snapshot: TrackerSnapshot | None = None
        self._lock = threading.Lock()  # process() on a worker vs set_holds() / reset() from the game

    def process(self, frame: PoseFrame) -> PoseFrame:
        """Run every stage on ``frame`` (one stream: call from one thread at a time); publishes
        :attr:`snapshot` for :meth:`predict`."""
        timings: dict[str, float] = {}
        t0_s = t_s = time.perf_counter()
        with self._lock:  # against set_holds / reset from another thread (never against predict)
            for stage in self.stages:
                frame = stage(frame)
                now_s = time.perf_counter()
                timings[stage.name] = (now_s - t_s) * 1000
                t_s = now_s
            snapshot = self.tracker.snapshot() if self.config.track else None
        timings["total"] = (time.perf_counter() - t0_s) * 1000
        self.stage_ms = timings
        self.last = frame
        self.snapshot = snapshot  # one reference swap: a reader sees the old snapshot or the new one
        return frame

    def predict(self, t_s: float) -> PoseFrame | None:
        """The player's pose at ``t_s`` (the display time): the tracker's prediction from its snapshot
        at the last frame, bounded by its ``max_extrapolate_s`` and ``max_coast_s``; the last frame
        when not tracking; None before the first frame. Takes no lock: it never waits for a stage."""
        if not self.config.track:
            return self.last
        snapshot = self.snapshot
        return predict_pose(snapshot, t_s) if snapshot is not None else None

    def reset(self) -> None:
        with self._lock:
            for stage in self.stages:
                stage.reset()
            self.last = None
            self.snapshot = None

    def set_holds(self, holds: bool) -> None:
        """Hold levels (plank, wall sit) make the tracker's still model the usual mode ("moving" is
        short-lived; the mode shared body-wide): held joints steadier (``bench tracking``: wall sit 84 %
        below raw jitter vs 73 %); rep levels keep "still" rare and easy to leave, because it lags slow
        movement otherwise (squat at 3 m: 27 -> 56 ms). The tracker starts over when it changes."""
        config = self.tracker.config.with_holds(holds)
        with self._lock:
            if config != self.tracker.config:
                self.tracker.reconfigure(config)
                self.snapshot = None


class PipelineSensor(Sensor):
    """Any sensor with the pipeline applied to every frame it delivers (``inner`` may already be open)."""

    def __init__(self, inner: Sensor, config: PipelineConfig | None = None) -> None:
        super().__init__()
        self.inner = inner
        self.scheme = inner.scheme
        self.pipeline = PosePipeline(config, inner.capabilities)

    @property
    def capabilities(self) -> Capabilities:
        return self.inner.capabilities

    def describe(self) -> str:
        return self.inner.describe()

    def _open(self) -> None:
        self.pipeline.reset()
        if self.inner.state is SensorState.CREATED:
            self.inner.open()

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        frame = self.inner.read(timeout_s)
        if frame is None:
            if self.inner.ended:
                self._mark_ended()
            return None
        return self.pipeline.process(frame)

    def _close(self) -> None:
        self.inner.close()

    def predict(self, t_s: float) -> PoseFrame | None:
        return self.pipeline.predict(t_s)

    def set_holds(self, holds: bool) -> None:
        self.pipeline.set_holds(holds)

    def reset(self) -> None:
        self.pipeline.reset()

    @property
    def stage_ms(self) -> dict[str, float]:
        return self.pipeline.stage_ms

    def __getattr__(self, name: str) -> object:  # intrinsics, dropped, ... of the wrapped source
        if name.startswith("_") or name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


def open_pipeline(
    spec: str, options: SourceOptions | None = None, config: PipelineConfig | None = None
) -> PipelineSensor:
    """Build (not open) the source named by ``spec`` with the pipeline around it."""
    return PipelineSensor(open_source(spec, options), config)
