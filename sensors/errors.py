"""Errors raised by the sensor layer. Each message says what was expected,
what was found and how to fix it; the CLI prints them as one line."""

from __future__ import annotations


class SensorError(Exception):
    """Base class for every error the sensor layer raises on purpose."""


class SensorStateError(SensorError):
    """A sensor method was called in the wrong lifecycle state (e.g. read before open)."""


class SourceUnavailable(SensorError):
    """The source cannot be opened: no camera, missing file, undecodable video..."""


class SourceSpecError(SensorError):
    """A source name such as ``webcam:0`` or ``synthetic:squat,depth=0.5`` is malformed or unknown."""


class RecordingError(SensorError):
    """A recording file is truncated, corrupt, of another version, or not a recording."""


class MissingDependency(SensorError):
    """An optional dependency is not installed; the message names the install command."""
