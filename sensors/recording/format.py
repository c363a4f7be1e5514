"""The ``.rq`` pose-recording format, version 2 (reads 1): constants and pure encode/decode.

Layout (all integers little-endian; see ``docs/recording-format.md``)::

    file    = MAGIC(8) version:u16 flags:u16 header_len:u32 header_crc:u32 header_json
              record* end_record
    record  = tag:4s payload_len:u32 payload_crc32:u32 payload
    FRAM payload = fixed(40) image_xy_px(33x2 <f8) camera_xyz_m(33x3 <f8) world_xyz_m(33x3 <f8)
                   [truth_camera_xyz_m(33x3 <f8)] confidence(33 <f4) source(33 u8)
                   [gravity_camera(3 <f8)] [intrinsics(84)]       (version 2; flags 8, 16)
                   meta_json rgb_bytes depth_bytes
    END  payload = JSON {"frames": N, ...}

Nothing here does I/O; :mod:`sensors.recording.writer` and
:mod:`sensors.recording.reader` do.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

import numpy as np

from sensors.intrinsics import DISTORTION_MODELS, Intrinsics
from sensors.joints import NUM_JOINTS
from sensors.pose import PoseFrame, TrackingState

MAGIC = b"\x89RQPOSE\n"  #: 8 bytes; the high byte and the newline catch text-mode copies
VERSION = 2
READS_VERSIONS = (1, 2)  #: version 1 has no gravity/intrinsics fields and stores depth as 16-bit PNG
PREAMBLE = struct.Struct("<8sHHII")  # magic, version, flags, header_len, header_crc
RECORD = struct.Struct("<4sII")  # tag, payload_len, payload_crc32
TAG_FRAME = b"FRAM"
TAG_END = b"END\x00"
MAX_RECORD_BYTES = 1 << 30  #: a larger length field can only be corruption

# fixed part of a frame payload: t_s, index, width, height, tracking, flags, (pad), meta_len, rgb_len, depth_len
FIXED = struct.Struct("<dqIIBB2xIII")
assert FIXED.size == 40

FLAG_TRUTH = 1
FLAG_RGB = 2
FLAG_DEPTH = 4
FLAG_GRAVITY = 8  #: version 2
FLAG_INTRINSICS = 16  #: version 2
FLAGS_BY_VERSION = {1: FLAG_TRUTH | FLAG_RGB | FLAG_DEPTH, 2: 31}

# intrinsics: width, height, fx, fy, ppx, ppy, distortion model code, (pad), 5 coefficients
INTRINSICS = struct.Struct("<IIddddB3x5d")
assert INTRINSICS.size == 84
GRAVITY_BYTES = 3 * 8

#: fixed codes; never renumber (files depend on them)
TRACKING_CODES: dict[TrackingState, int] = {
    TrackingState.TRACKED: 0,
    TrackingState.NO_PLAYER: 1,
    TrackingState.PLAYER_LOST: 2,
}
TRACKING_BY_CODE = {v: k for k, v in TRACKING_CODES.items()}

N = NUM_JOINTS
F8 = np.dtype("<f8")
F4 = np.dtype("<f4")
U1 = np.dtype("u1")
XY_BYTES = N * 2 * 8
XYZ_BYTES = N * 3 * 8
CONF_BYTES = N * 4

RGB_CODECS = ("jpeg", "png")
DEPTH_CODEC = "u16mm-palette-delta-rle|f32-planes-zlib"  #: whole millimetres (see encode_depth), else float planes


class FormatError(ValueError):
    """A payload does not decode; the reader turns it into a RecordingError naming the file."""


@dataclass(frozen=True, slots=True)
class ImageCodec:
    """How images are compressed. ``jpeg`` is lossy (small, fast); ``png`` is lossless."""

    rgb: str = "jpeg"
    jpeg_quality: int = 90
    png_level: int = 1

    def __post_init__(self) -> None:
        if self.rgb not in RGB_CODECS:
            raise ValueError(f"image codec {self.rgb!r}: expected one of {', '.join(RGB_CODECS)}")
        if not 1 <= self.jpeg_quality <= 100:
            raise ValueError(f"jpeg quality: expected 1..100, found {self.jpeg_quality}")

    def describe(self) -> dict[str, Any]:
        return {"rgb": self.rgb, "jpeg_quality": self.jpeg_quality, "depth": DEPTH_CODEC}


# -- meta: JSON with exact round-trips for arrays and tuples --------------------


def meta_to_json(value: Any, where: str = "meta") -> Any:
    """A JSON-ready copy of ``value``: numpy scalars become Python numbers, tuples
    ``{"$tuple": [...]}``, arrays ``{"$ndarray": dtype, "shape": [...], "b64": raw bytes}``."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Enum):
        return meta_to_json(value.value, where)
    if isinstance(value, np.ndarray):
        arr = np.ascontiguousarray(value)
        if arr.dtype.hasobject:
            raise FormatError(f"{where}: cannot record an object array")
        return {"$ndarray": arr.dtype.str, "shape": list(arr.shape), "b64": base64.b64encode(arr.tobytes()).decode()}
    if isinstance(value, tuple):
        return {"$tuple": [meta_to_json(v, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, list):
        return [meta_to_json(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise FormatError(f"{where}: keys must be strings, found {type(k).__name__} {k!r}")
            out[k] = meta_to_json(v, f"{where}[{k!r}]")
        return out
    raise FormatError(
        f"{where}: cannot record a {type(value).__name__}; use numbers, strings, lists, tuples, dicts or numpy arrays"
    )


def meta_from_json(value: Any) -> Any:
    """Inverse of :func:`meta_to_json`."""
    if isinstance(value, list):
        return [meta_from_json(v) for v in value]
    if isinstance(value, dict):
        if "$ndarray" in value:
            raw = base64.b64decode(value["b64"])
            return np.frombuffer(raw, dtype=np.dtype(value["$ndarray"])).reshape(value["shape"]).copy()
        if "$tuple" in value:
            return tuple(meta_from_json(v) for v in value["$tuple"])
        return {k: meta_from_json(v) for k, v in value.items()}
    return value


def encode_meta(meta: Mapping[str, Any]) -> bytes:
    if not meta:
        return b""
    return json.dumps(meta_to_json(meta), separators=(",", ":"), allow_nan=True).encode()


# -- images ---------------------------------------------------------------------


def encode_rgb(rgb: np.ndarray, codec: ImageCodec) -> bytes:
    import cv2  # only when images are recorded

    bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
    if codec.rgb == "jpeg":
        ok, buf = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, codec.jpeg_quality])
    else:
        ok, buf = cv2.imencode(".png", bgr, [cv2.IMWRITE_PNG_COMPRESSION, codec.png_level])
    if not ok:
        raise FormatError(f"OpenCV could not encode a {rgb.shape} image as {codec.rgb}")
    return buf.tobytes()


def decode_rgb(data: bytes, size_px: tuple[int, int]) -> np.ndarray:
    import cv2

    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None or bgr.shape[:2] != (size_px[1], size_px[0]):
        raise FormatError(f"image does not decode to {size_px[0]}x{size_px[1]}")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


DEPTH_PLANE = struct.Struct("<BI")  # method (0 raw, 1 zlib), byte length
_SAMPLE_BYTES = 16384


def _pack_plane(plane: bytes) -> bytes:
    """zlib level 1, unless a sample shows the plane is noise (then raw: same size, no time spent)."""
    sample = plane[:_SAMPLE_BYTES]
    if len(zlib.compress(sample, 1)) > 0.9 * len(sample):
        return DEPTH_PLANE.pack(0, len(plane)) + plane
    packed = zlib.compress(plane, 1)
    return DEPTH_PLANE.pack(1, len(packed)) + packed


MM_MAGIC = b"U16M"  #: version 1: whole millimetres as a 16-bit PNG (still read)
MMD_MAGIC = b"U16D"  #: whole millimetres: palette indices, left-delta, zlib RLE (see encode_depth)
_MM = np.float32(0.001)


def millimetres_exact(depth_m: np.ndarray) -> np.ndarray | None:
    """``depth_m`` as uint16 millimetres when ``mm * 0.001`` (float32) gives it back bit for bit
    (what a RealSense delivers: whole millimetres times its depth scale); else None."""
    d = np.ascontiguousarray(depth_m, dtype=F4)
    if not np.isfinite(d).all() or d.min(initial=0.0) < 0 or d.max(initial=0.0) > 65.535:
        return None
    mm = np.rint(d * np.float32(1000.0)).astype(np.uint16)
    if (mm.astype(F4) * _MM).tobytes() != d.tobytes():
        return None
    return mm


def _zlib_rle(data: bytes) -> bytes:
    packer = zlib.compressobj(1, zlib.DEFLATED, 15, 9, zlib.Z_RLE)
    return packer.compress(data) + packer.flush()


def encode_millimetres(mm: np.ndarray) -> bytes:
    """A (H, W) uint16 millimetre map, losslessly. A RealSense reports depth from disparity
    in 1/32-pixel steps, so a frame holds a few hundred distinct values (~10 mm apart at
    2.5 m): each pixel becomes the index of its value in the frame's sorted palette, the
    index minus its left neighbour's (mod 2^16, zigzag) is split into a low and a high
    byte plane, and zlib's run-length strategy (level 1) packs them. Neighbours share most
    of their disparity error, so the residuals are mostly 0 and +-1.
    Layout: ``U16D w:u32 h:u32 n:u32 palette(n x u16) zlib(low plane + high plane)``."""
    h, w = mm.shape
    present = np.bincount(mm.ravel(), minlength=65536) > 0
    palette = np.flatnonzero(present).astype("<u2")
    index = (np.cumsum(present, dtype=np.int32) - 1)[mm]
    residual = index.copy()
    residual[:, 1:] -= index[:, :-1]
    r16 = residual.astype(np.int16)  # wraps mod 2^16; the decoder's cumulative sum wraps back
    zigzag = ((r16.astype(np.int32) << 1) ^ (r16.astype(np.int32) >> 15)).astype(np.uint16)
    planes = (zigzag & 0xFF).astype(np.uint8).tobytes() + (zigzag >> 8).astype(np.uint8).tobytes()
    return MMD_MAGIC + struct.pack("<III", w, h, len(palette)) + palette.tobytes() + _zlib_rle(planes)


def decode_millimetres(data: bytes) -> np.ndarray:
    """Inverse of :func:`encode_millimetres`: (H, W) uint16 millimetres."""
    w, h, n = struct.unpack_from("<III", data, 4)
    o = 16 + 2 * n
    if not 0 < n <= 65536 or len(data) < o:
        raise FormatError(f"depth map {w}x{h}: a palette of {n} values does not fit its {len(data)} bytes")
    palette = np.frombuffer(data, "<u2", n, 16)
    try:
        raw = np.frombuffer(zlib.decompress(data[o:]), np.uint8)
    except zlib.error as e:
        raise FormatError(f"depth map does not decompress ({e})") from e
    if raw.size != 2 * w * h:
        raise FormatError(f"depth map holds {raw.size // 2} pixels, expected {w * h} for {w}x{h}")
    zigzag = raw[: w * h].astype(np.int32) | (raw[w * h :].astype(np.int32) << 8)
    residual = ((zigzag >> 1) ^ -(zigzag & 1)).reshape(h, w)
    index = np.cumsum(residual, axis=1) & 0xFFFF
    if index.size and int(index.max()) >= n:
        raise FormatError(f"depth map indexes past its palette of {n} values")
    return palette[index]


def encode_depth(depth_m: np.ndarray) -> bytes:
    """Lossless. Whole-millimetre maps (RealSense, the synthetic camera): :func:`encode_millimetres`.
    Any other float map: float32 split into its 4 byte planes, each zlib-compressed unless
    it is noise (the exponent and high-mantissa planes of a depth map compress ~20x; the
    low mantissa bytes of a noisy map do not).
    """
    h, w = depth_m.shape
    mm = millimetres_exact(depth_m)
    if mm is not None:
        return encode_millimetres(mm)
    planes = np.ascontiguousarray(depth_m, dtype=F4).view(np.uint8).reshape(-1, 4).T
    return struct.pack("<II", w, h) + b"".join(_pack_plane(p.tobytes()) for p in planes)


def decode_depth(data: bytes) -> np.ndarray:
    if data[:4] == MMD_MAGIC:
        return decode_millimetres(data).astype(F4) * _MM
    if data[:4] == MM_MAGIC:  # version 1
        import cv2

        w, h = struct.unpack_from("<II", data, 4)
        mm = cv2.imdecode(np.frombuffer(data, np.uint8, offset=12), cv2.IMREAD_UNCHANGED)
        if mm is None or mm.dtype != np.uint16 or mm.shape != (h, w):
            raise FormatError(f"depth image does not decode to {w}x{h} 16-bit millimetres")
        return mm.astype(F4) * _MM
    w, h = struct.unpack_from("<II", data)
    planes = np.empty((4, w * h), np.uint8)
    o = 8
    for i in range(4):
        method, length = DEPTH_PLANE.unpack_from(data, o)
        o += DEPTH_PLANE.size
        raw = data[o : o + length] if method == 0 else zlib.decompress(data[o : o + length])
        o += length
        if len(raw) != w * h:
            raise FormatError(f"depth plane {i} holds {len(raw)} bytes, expected {w * h} for {w}x{h}")
        planes[i] = np.frombuffer(raw, np.uint8)
    return np.ascontiguousarray(planes.T).view(F4).reshape(h, w)


def encode_intrinsics(intr: Intrinsics) -> bytes:
    return INTRINSICS.pack(
        intr.width_px, intr.height_px, intr.fx_px, intr.fy_px, intr.ppx_px, intr.ppy_px,
        DISTORTION_MODELS.index(intr.model), *intr.coeffs,
    )  # fmt: skip


def decode_intrinsics(data: bytes | memoryview) -> Intrinsics:
    w, h, fx, fy, ppx, ppy, model, *coeffs = INTRINSICS.unpack(data)
    if model >= len(DISTORTION_MODELS):
        raise FormatError(f"unknown distortion model code {model}")
    return Intrinsics(w, h, fx, fy, ppx, ppy, DISTORTION_MODELS[model], tuple(coeffs))  # type: ignore[arg-type]


# -- frames ---------------------------------------------------------------------


def encode_frame(frame: PoseFrame, codec: ImageCodec | None) -> bytes:
    """The FRAM payload of ``frame``; images only when ``codec`` is given (and present)."""
    truth = frame.truth_camera_xyz_m
    meta = encode_meta(frame.meta)
    rgb = encode_rgb(frame.rgb, codec) if codec is not None and frame.rgb is not None else b""
    depth = encode_depth(frame.depth_m) if codec is not None and frame.depth_m is not None else b""
    gravity = frame.gravity_camera
    intr = frame.intrinsics
    flags = (FLAG_TRUTH if truth is not None else 0) | (FLAG_RGB if rgb else 0) | (FLAG_DEPTH if depth else 0)
    flags |= (FLAG_GRAVITY if gravity is not None else 0) | (FLAG_INTRINSICS if intr is not None else 0)
    w, h = frame.image_size_px
    fixed = FIXED.pack(
        frame.t_s, frame.index, w, h, TRACKING_CODES[frame.tracking], flags, len(meta), len(rgb), len(depth)
    )
    parts = [fixed, frame.image_xy_px.astype(F8, copy=False).tobytes()]
    parts.append(frame.camera_xyz_m.astype(F8, copy=False).tobytes())
    parts.append(frame.world_xyz_m.astype(F8, copy=False).tobytes())
    if truth is not None:
        parts.append(truth.astype(F8, copy=False).tobytes())
    parts += [frame.confidence.astype(F4, copy=False).tobytes(), frame.source.tobytes()]
    if gravity is not None:
        parts.append(gravity.astype(F8, copy=False).tobytes())
    if intr is not None:
        parts.append(encode_intrinsics(intr))
    parts += [meta, rgb, depth]
    return b"".join(parts)


def decode_frame(payload: bytes, images: bool, version: int = VERSION) -> PoseFrame:
    """Inverse of :func:`encode_frame` (of a file of ``version``). Arrays are zero-copy views of ``payload``."""
    if len(payload) < FIXED.size:
        raise FormatError(f"frame record of {len(payload)} bytes is shorter than its {FIXED.size}-byte header")
    t_s, index, w, h, tracking_code, flags, meta_len, rgb_len, depth_len = FIXED.unpack_from(payload)
    if flags & ~FLAGS_BY_VERSION.get(version, 0):
        raise FormatError(f"frame flags {flags:#x} are not defined in format version {version}")
    n_xyz = 3 if flags & FLAG_TRUTH else 2
    typed = (GRAVITY_BYTES if flags & FLAG_GRAVITY else 0) + (INTRINSICS.size if flags & FLAG_INTRINSICS else 0)
    expected = FIXED.size + XY_BYTES + n_xyz * XYZ_BYTES + CONF_BYTES + N + typed + meta_len + rgb_len + depth_len
    if len(payload) != expected:
        raise FormatError(f"frame record holds {len(payload)} bytes, its header announces {expected}")
    tracking = TRACKING_BY_CODE.get(tracking_code)
    if tracking is None:
        raise FormatError(f"unknown tracking code {tracking_code}")
    buf = memoryview(payload)
    o = FIXED.size
    image_xy = np.frombuffer(buf, F8, N * 2, o).reshape(N, 2)
    o += XY_BYTES
    xyz = np.frombuffer(buf, F8, N * 3 * n_xyz, o).reshape(n_xyz, N, 3)
    o += n_xyz * XYZ_BYTES
    confidence = np.frombuffer(buf, F4, N, o)
    o += CONF_BYTES
    source = np.frombuffer(buf, U1, N, o)
    o += N
    gravity = None
    if flags & FLAG_GRAVITY:
        gravity = np.frombuffer(buf, F8, 3, o)
        o += GRAVITY_BYTES
    intrinsics = None
    if flags & FLAG_INTRINSICS:
        try:
            intrinsics = decode_intrinsics(buf[o : o + INTRINSICS.size])
        except ValueError as e:
            raise FormatError(f"intrinsics: {e}") from e
        o += INTRINSICS.size
    meta = meta_from_json(json.loads(bytes(buf[o : o + meta_len]))) if meta_len else {}
    o += meta_len
    rgb = decode_rgb(bytes(buf[o : o + rgb_len]), (w, h)) if images and rgb_len else None
    o += rgb_len
    depth = decode_depth(bytes(buf[o : o + depth_len])) if images and depth_len else None
    return PoseFrame(
        t_s=t_s,
        index=index,
        image_size_px=(w, h),
        image_xy_px=image_xy,
        camera_xyz_m=xyz[0],
        world_xyz_m=xyz[1],
        confidence=confidence,
        source=source,
        tracking=tracking,
        rgb=rgb,
        depth_m=depth,
        truth_camera_xyz_m=xyz[2] if n_xyz == 3 else None,
        meta=meta,
        gravity_camera=gravity,
        intrinsics=intrinsics,
    )
