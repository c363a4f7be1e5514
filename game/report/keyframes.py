"""Key frames: the skeleton drawn with OpenCV on the RGB frame (or a blank canvas).

Images come from wherever the source keeps them: a video file is decoded
again (cheap next to inference), other sources' images are kept as JPEG
during the analysis pass (:class:`JpegStore`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import cv2
import numpy as np

from game import skeleton
from sensors.errors import SourceUnavailable
from sensors.pose import PoseFrame

#: joints below this confidence are not drawn
MIN_DRAW_CONFIDENCE = 0.3
#: a blank canvas when the source has no images (RGB)
CANVAS_RGB = (32, 34, 40)
TEXT_RGB = (255, 255, 255)
FAULT_RGB = (255, 70, 70)
GOOD_RGB = (90, 220, 110)


def draw_skeleton(
    image_rgb: np.ndarray, frame: PoseFrame, scale: float = 1.0, faulty: Mapping[tuple[int, int], int] | None = None
) -> np.ndarray:
    """Draw ``frame``'s bones and joints on a copy of ``image_rgb`` (H, W, 3) uint8, with the game's
    skeleton drawer (:mod:`game.skeleton`: the same bones, joints and colours as on the play screen).

    Positions are ``frame.image_xy_px`` times ``scale`` (for a resized image).
    Joints that are missing or below :data:`MIN_DRAW_CONFIDENCE` are skipped. ``faulty``: the limbs a
    rep's faults are about (:func:`game.form_limbs.limb_faults`), drawn dashed as in the game.
    """
    out = np.ascontiguousarray(image_rgb, dtype=np.uint8).copy()
    h, w = out.shape[:2]
    bones, dots = skeleton.plan(frame, frame.image_xy_px * scale, min_confidence=MIN_DRAW_CONFIDENCE, faulty=faulty)
    return skeleton.render_cv2(out, bones, dots, max(2, round(min(w, h) / 200)))


def blank_canvas(size_px: tuple[int, int]) -> np.ndarray:
    """A dark (H, W, 3) RGB canvas of ``size_px`` = (width, height)."""
    w, h = size_px
    canvas = np.empty((max(h, 1), max(w, 1), 3), np.uint8)
    canvas[:] = CANVAS_RGB
    return canvas


def caption(image_rgb: np.ndarray, lines: Sequence[tuple[str, tuple[int, int, int]]]) -> np.ndarray:
    """Write ``(text, rgb colour)`` lines top-left on a translucent band (in place); returns the image."""
    if not lines:
        return image_rgb
    h, w = image_rgb.shape[:2]
    font_scale = max(0.45, min(w, h) / 900)
    thick = max(1, round(font_scale * 2))
    line_h = int(32 * font_scale) + 6
    band_h = min(h, line_h * len(lines) + 10)
    band = image_rgb[:band_h]
    band[:] = (band.astype(np.uint16) * 2 // 5).astype(np.uint8)  # darken behind the text
    for i, (text, colour) in enumerate(lines):
        y = 8 + line_h * (i + 1) - 8
        cv2.putText(image_rgb, text, (10, y), cv2.FONT_HERSHEY_SIMPLEX, font_scale, colour, thick, cv2.LINE_AA)
    return image_rgb


def read_video_frames(path: Path, indices: Iterable[int]) -> dict[int, np.ndarray]:
    """Decode the frames numbered ``indices`` (0-based) of a video file as RGB.

    Reads sequentially (exact with every codec, unlike seeking) and stops
    after the last wanted frame.
    """
    wanted = sorted(set(int(i) for i in indices if i >= 0))
    out: dict[int, np.ndarray] = {}
    if not wanted:
        return out
    cap = cv2.VideoCapture(str(path))
    if not cap.isOpened():
        raise SourceUnavailable(f"video {path}: OpenCV cannot open it to extract key frames")
    try:
        want = set(wanted)
        for i in range(wanted[-1] + 1):
            if not cap.grab():
                break
            if i in want:
                ok, bgr = cap.retrieve()
                if ok:
                    out[i] = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    finally:
        cap.release()
    return out


class JpegStore:
    """Keeps every frame's RGB image as JPEG, keyed by frame index (memory ~30-80 kB a frame)."""

    def __init__(self, quality: int = 90) -> None:
        self.quality = quality
        self._data: dict[int, bytes] = {}

    def add(self, frame: PoseFrame) -> None:
        if frame.rgb is None:
            return
        ok, buf = cv2.imencode(
            ".jpg", cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, self.quality]
        )
        if ok:
            self._data[frame.index] = buf.tobytes()

    def __len__(self) -> int:
        return len(self._data)

    def get(self, index: int) -> np.ndarray | None:
        data = self._data.get(index)
        if data is None:
            return None
        bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
        return None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)

    def as_mapping(self, indices: Iterable[int]) -> dict[int, np.ndarray]:
        out = {}
        for i in indices:
            img = self.get(i)
            if img is not None:
                out[i] = img
        return out


def render_key_frame(
    frame: PoseFrame,
    image_rgb: np.ndarray | None,
    lines: Sequence[tuple[str, tuple[int, int, int]]],
    max_width_px: int = 960,
    min_width_px: int = 640,
    faulty: Mapping[tuple[int, int], int] | None = None,
) -> np.ndarray:
    """The key-frame picture: image (or blank canvas), skeleton, caption; scaled to min..max width."""
    base = image_rgb if image_rgb is not None else blank_canvas(frame.image_size_px)
    if base.shape[1] > max_width_px:
        shrink = max_width_px / base.shape[1]
        base = cv2.resize(base, (max_width_px, round(base.shape[0] * shrink)), interpolation=cv2.INTER_AREA)
    elif base.shape[1] < min_width_px:  # small clips: enlarge so the caption stays readable
        grow = min_width_px / base.shape[1]
        base = cv2.resize(base, (min_width_px, round(base.shape[0] * grow)), interpolation=cv2.INTER_LINEAR)
    scale = base.shape[1] / max(frame.image_size_px[0], 1)  # landmarks are in source-image pixels
    out = draw_skeleton(base, frame, scale, faulty)
    return caption(out, lines)


def write_png(path: Path, image_rgb: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(str(path), cv2.cvtColor(image_rgb, cv2.COLOR_RGB2BGR)):
        raise OSError(f"could not write {path}")
    return path


def write_key_frames(
    frames: Sequence[PoseFrame],
    picks: Sequence[tuple[str, int, Sequence[tuple[str, tuple[int, int, int]]]]],
    images: Mapping[int, np.ndarray],
    out_dir: Path,
    faulty: Mapping[str, Mapping[tuple[int, int], int]] | None = None,
) -> list[Path]:
    """Write one PNG per pick ``(label, position in frames, caption lines)``; images keyed by frame index;
    ``faulty``: per label, the limbs drawn dashed (a rep's faults)."""
    paths = []
    for label, pos, lines in picks:
        frame = frames[pos]
        img = render_key_frame(frame, images.get(frame.index), lines, faulty=(faulty or {}).get(label))
        paths.append(write_png(out_dir / f"keyframe_{label}.png", img))
    return paths
