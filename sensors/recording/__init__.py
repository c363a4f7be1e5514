"""Pose recordings (``.rq``): write any source's frames, replay them bit for bit.

>>> from sensors.recording import RecordingWriter, RecordingReader
>>> with RecordingWriter("/tmp/s.rq", source="synthetic:squat") as rec:
...     rec.write(frame)
>>> RecordingReader("/tmp/s.rq").frame(0).same_pose_as(frame)
True

The format is documented in ``docs/recording-format.md``; ``recording:PATH``
opens a file as a sensor through :func:`sensors.registry.open_source`.
"""

from sensors.recording.format import VERSION, ImageCodec
from sensors.recording.reader import RecordingReader, RecordingSensor, open_source
from sensors.recording.writer import RecordingWriter

__all__ = ["VERSION", "ImageCodec", "RecordingReader", "RecordingSensor", "RecordingWriter", "open_source"]
