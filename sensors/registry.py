"""Sources by name: ``scheme[:target]`` strings open sensors.

Built-in schemes are imported lazily (so ``import sensors`` never imports
MediaPipe or pyrealsense2). Third-party backends register through the
``repquest.sensors`` entry-point group::

    # in the plugin's pyproject.toml
    [project.entry-points."repquest.sensors"]
    kinect = "repquest_kinect:open_source"

where ``open_source(target: str, options: SourceOptions) -> Sensor``.
After ``pip install repquest-kinect``, ``repquest play --source kinect:0`` works.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Collection
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from sensors.contract import Sensor
from sensors.errors import SourceSpecError

ENTRY_POINT_GROUP = "repquest.sensors"


@dataclass(frozen=True, slots=True)
class SourceOptions:
    """Options every backend receives; each uses what applies to it."""

    images: bool = False  #: attach RGB (and depth) images to frames
    realtime: bool | None = None  #: pace file sources at capture rate (None: backend default)
    width_px: int | None = None  #: requested capture width
    height_px: int | None = None  #: requested capture height
    fps: float | None = None  #: requested capture rate
    pose_model: Path | None = None  #: a MediaPipe Tasks ``.task`` file instead of the built-in model
    seed: int | None = None  #: for sources with randomness


SensorFactory = Callable[[str, SourceOptions], Sensor]

#: scheme -> "module:function" of the built-in backends (imported on first use)
BUILTIN_BACKENDS: dict[str, str] = {
    "synthetic": "sensors.synthetic:open_source",
    "recording": "sensors.recording:open_source",
    "video": "sensors.camera.video:open_source",
    "webcam": "sensors.camera.webcam:open_source",
    "image": "sensors.camera.still:open_source",
    "realsense": "sensors.realsense:open_live",
    "realsense-file": "sensors.realsense:open_file",
}

_registered: dict[str, SensorFactory] = {}


def register(scheme: str, factory: SensorFactory) -> None:
    """Register ``factory`` for ``scheme`` in this process (tests, embedded use)."""
    if not scheme or ":" in scheme:
        raise ValueError(f"a scheme is a non-empty name without ':', found {scheme!r}")
    _registered[scheme] = factory


def unregister(scheme: str) -> None:
    _registered.pop(scheme, None)


def _plugin_entry_points() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def known_schemes() -> list[str]:
    """Every scheme that can be opened: built-in, registered and installed plugins."""
    return sorted(set(BUILTIN_BACKENDS) | set(_registered) | set(_plugin_entry_points()))


def _load(target: str, scheme: str) -> SensorFactory:
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
        factory: SensorFactory = getattr(module, attr)
    except (ImportError, AttributeError) as e:
        raise SourceSpecError(f"source '{scheme}': cannot load its backend {target!r}: {e}") from e
    return factory


def split_spec(spec: str) -> tuple[str, str]:
    """``"video:/a/b.mp4"`` -> ``("video", "/a/b.mp4")``; ``"webcam"`` -> ``("webcam", "")``."""
    scheme, _, target = spec.strip().partition(":")
    if not scheme:
        raise SourceSpecError(f"source {spec!r}: expected 'scheme[:target]' such as 'webcam:0' or 'synthetic:squat'")
    return scheme.lower(), target


def resolve(scheme: str) -> SensorFactory:
    """The factory for ``scheme``; SourceSpecError with a did-you-mean when unknown."""
    if scheme in _registered:
        return _registered[scheme]
    if scheme in BUILTIN_BACKENDS:
        return _load(BUILTIN_BACKENDS[scheme], scheme)
    plugins = _plugin_entry_points()
    if scheme in plugins:
        return _load(plugins[scheme], scheme)
    known = known_schemes()
    close = difflib.get_close_matches(scheme, known, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise SourceSpecError(f"unknown source '{scheme}' (known: {', '.join(known)}){hint}")


def open_source(spec: str, options: SourceOptions | None = None) -> Sensor:
    """Build (not open) the sensor named by ``spec``, e.g. ``"synthetic:squat,tempo_s=2"``."""
    scheme, target = split_spec(spec)
    sensor = resolve(scheme)(target, options or SourceOptions())
    if not isinstance(sensor, Sensor):
        raise SourceSpecError(f"source '{scheme}': its backend returned {type(sensor).__name__}, not a Sensor")
    return sensor


def parse_target(
    target: str, scheme: str, known: Collection[str] | None = None, expected: str = ""
) -> tuple[str, dict[str, str]]:
    """The one parser of source targets: ``"HEAD,key=value,..."`` -> ``(HEAD, {key: value})``.

    HEAD is what the source opens (a path, a camera index or serial, an exercise
    name) and may itself hold commas: trailing ``key=value`` parts are the
    parameters, and a target that names an existing file as a whole is taken as
    is. ``known``: the parameter names the source accepts (others are an error
    naming ``scheme``, with ``expected`` and a "did you mean"); None accepts any.

    >>> parse_target("clip.mp4,orientation=off", "video", {"orientation"})
    ('clip.mp4', {'orientation': 'off'})
    """
    if not target or Path(target).expanduser().exists():
        return target, {}
    parts = target.split(",")
    params: dict[str, str] = {}
    while parts and "=" in parts[-1]:
        part = parts.pop()
        key, _, value = part.partition("=")
        if not key.strip():
            raise SourceSpecError(f"source '{scheme}': parameter {part.strip()!r}: expected key=value")
        params.setdefault(key.strip(), value.strip())  # a repeated key: the last one written wins
    params = dict(reversed(params.items()))  # in the order written
    unknown = sorted(set(params) - set(known)) if known is not None else []
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(known or ()), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        accepts = expected or (", ".join(f"{k}=..." for k in sorted(known or ())) or "no parameters")
        raise SourceSpecError(f"source '{scheme}': unknown parameter(s) {', '.join(unknown)}; expected {accepts}{hint}")
    return ",".join(parts).strip(), params


def parse_params(target: str, scheme: str = "source") -> tuple[list[str], dict[str, str]]:
    """:func:`parse_target` with HEAD split on commas: ``"squat,tempo_s=2,view=side"`` ->
    ``(["squat"], {"tempo_s": "2", "view": "side"})``."""
    head, params = parse_target(target, scheme)
    return [p.strip() for p in head.split(",") if p.strip()], params
