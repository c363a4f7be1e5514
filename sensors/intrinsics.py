"""The one camera-intrinsics type: a pinhole camera with librealsense's distortion models.

Used by every source that knows its camera (synthetic avatar, RealSense live
and recorded, recordings) and carried on :class:`~sensors.pose.PoseFrame` as
``frame.intrinsics``. Pixel centres are at integer coordinates.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

#: distortion models understood by deprojection (librealsense's names)
DISTORTION_MODELS = (
    "none",
    "modified_brown_conrady",
    "inverse_brown_conrady",
    "brown_conrady",
    "kannala_brandt4",
    "ftheta",
)


@dataclass(frozen=True, slots=True)
class Intrinsics:
    """A pinhole camera; ``coeffs`` are librealsense's five coefficients, ``model``
    one of :data:`DISTORTION_MODELS`. ``project``/``deproject`` ignore distortion
    (see :func:`sensors.realsense.fusion.deproject_px` for the distorted maths)."""

    width_px: int
    height_px: int
    fx_px: float
    fy_px: float
    ppx_px: float
    ppy_px: float
    model: str = "none"
    coeffs: tuple[float, float, float, float, float] = (0.0, 0.0, 0.0, 0.0, 0.0)

    def __post_init__(self) -> None:
        if self.model not in DISTORTION_MODELS:
            raise ValueError(f"distortion model {self.model!r}: expected one of {', '.join(DISTORTION_MODELS)}")
        if not (self.fx_px > 0 and self.fy_px > 0):
            raise ValueError(f"focal lengths must be positive, found fx={self.fx_px}, fy={self.fy_px}")

    @staticmethod
    def from_fov(width_px: int, height_px: int, hfov_deg: float) -> Intrinsics:
        f = (width_px / 2) / math.tan(math.radians(hfov_deg) / 2)
        return Intrinsics(width_px, height_px, f, f, (width_px - 1) / 2, (height_px - 1) / 2)

    @staticmethod
    def from_dict(d: Any) -> Intrinsics:
        """From :meth:`as_dict` output (recordings, meta); ValueError when malformed."""
        try:
            coeffs = tuple(float(c) for c in d.get("coeffs", (0.0,) * 5))
            return Intrinsics(
                int(d["width_px"]), int(d["height_px"]), float(d["fx_px"]), float(d["fy_px"]),
                float(d["ppx_px"]), float(d["ppy_px"]), str(d.get("model", "none")),
                coeffs if len(coeffs) == 5 else (0.0,) * 5,  # type: ignore[arg-type]
            )  # fmt: skip
        except (KeyError, TypeError, AttributeError) as e:
            raise ValueError(f"intrinsics: expected width_px, height_px, fx_px, fy_px, ppx_px, ppy_px; {e}") from None

    # short names used by the synthetic camera's maths
    @property
    def fx(self) -> float:
        return self.fx_px

    @property
    def fy(self) -> float:
        return self.fy_px

    @property
    def cx(self) -> float:
        return self.ppx_px

    @property
    def cy(self) -> float:
        return self.ppy_px

    @property
    def vfov_deg(self) -> float:
        return math.degrees(2 * math.atan((self.height_px / 2) / self.fy_px))

    @property
    def hfov_deg(self) -> float:
        return math.degrees(2 * math.atan((self.width_px / 2) / self.fx_px))

    def project(self, xyz_m: np.ndarray) -> np.ndarray:
        """(n, 3) camera-frame points -> (n, 2) pixels (NaN behind the camera)."""
        z = xyz_m[:, 2]
        with np.errstate(divide="ignore", invalid="ignore"):
            zz = np.where(z > 1e-6, z, np.nan)
            x = self.fx_px * xyz_m[:, 0] / zz + self.ppx_px
            return np.stack([x, self.fy_px * xyz_m[:, 1] / zz + self.ppy_px], axis=1)

    def deproject(self, xy_px: np.ndarray, z_m: np.ndarray) -> np.ndarray:
        """(n, 2) pixels and (n,) depths along the optical axis -> (n, 3) camera-frame points."""
        x = (xy_px[:, 0] - self.ppx_px) / self.fx_px * z_m
        y = (xy_px[:, 1] - self.ppy_px) / self.fy_px * z_m
        return np.stack([x, y, z_m], axis=1)

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.fx_px, self.fy_px, self.ppx_px, self.ppy_px)

    def as_dict(self) -> dict[str, object]:
        """Plain values for recordings and JSON."""
        return {
            "width_px": self.width_px,
            "height_px": self.height_px,
            "fx_px": self.fx_px,
            "fy_px": self.fy_px,
            "ppx_px": self.ppx_px,
            "ppy_px": self.ppy_px,
            "model": self.model,
            "coeffs": list(self.coeffs),
        }
