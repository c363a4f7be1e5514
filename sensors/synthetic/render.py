"""Depth map and simple RGB render of capsule bodies, discs, floor and walls.

Capsules are drawn as view-facing "imposters": for each pixel the nearest
point of the projected segment gives the axis point, and the surface lies
``r * sqrt(1 - rho^2)`` in front of it along the ray (rho = pixel distance /
projected radius). A capsule tapers: its radius goes linearly from ``r0`` at
one end to ``r1`` at the other (a limb is thinner at the wrist than at the
elbow). This is exact for a joint's own end cap (the depth at a joint's pixel
deprojects to the surface point ``J - r * J/|J|``, ``r`` that end's radius)
and close elsewhere. Depth values are metres along the optical axis (z), 0 = invalid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sensors.synthetic.camera import CameraPose, Intrinsics

NEAR_M = 0.1
MIN_RANGE_M, MAX_RANGE_M = 0.2, 6.0  #: RealSense-like valid depth range
PALETTE = np.array(
    [[224, 172, 140], [52, 101, 164], [60, 60, 72], [235, 235, 235], [150, 110, 70], [210, 60, 60]], dtype=np.float32
)  # fmt: skip  skin, shirt, pants, shoe, plate, walker shirt


@dataclass(frozen=True, slots=True)
class Capsules:
    """Capsules in the camera frame, projected. All (n,) arrays."""

    u0: np.ndarray
    v0: np.ndarray
    u1: np.ndarray
    v1: np.ndarray
    z0: np.ndarray
    z1: np.ndarray
    range0: np.ndarray
    range1: np.ndarray
    r0: np.ndarray  #: radius at the first end
    r1: np.ndarray  #: radius at the second end
    colour: np.ndarray
    valid: np.ndarray


def project_capsules(intr: Intrinsics, a: np.ndarray, b: np.ndarray, r: np.ndarray, colour: np.ndarray) -> Capsules:
    """Project capsules with camera-frame end points ``a``, ``b`` (n, 3) and radii ``r``: (n,), or
    (n, 2) for a radius at each end."""
    r = np.asarray(r, dtype=np.float64)
    r0, r1 = (r, r) if r.ndim == 1 else (r[:, 0], r[:, 1])
    valid = (a[:, 2] > NEAR_M + r0) & (b[:, 2] > NEAR_M + r1)
    za, zb = np.where(valid, a[:, 2], 1.0), np.where(valid, b[:, 2], 1.0)
    return Capsules(
        u0=intr.fx * a[:, 0] / za + intr.cx,
        v0=intr.fy * a[:, 1] / za + intr.cy,
        u1=intr.fx * b[:, 0] / zb + intr.cx,
        v1=intr.fy * b[:, 1] / zb + intr.cy,
        z0=za,
        z1=zb,
        range0=np.linalg.norm(a, axis=1),
        range1=np.linalg.norm(b, axis=1),
        r0=r0,
        r1=r1,
        colour=colour,
        valid=valid,
    )


def ranges_at(caps: Capsules, f_px: float, x_px: np.ndarray, y_px: np.ndarray) -> np.ndarray:
    """Range (m, along the ray) of each capsule's front surface at pixels (m,):
    shape (m, n), inf where missed. The same surface the depth map draws."""
    x, y = x_px[:, None], y_px[:, None]
    eu, ev = caps.u1 - caps.u0, caps.v1 - caps.v0
    ee = np.maximum(eu * eu + ev * ev, 1e-12)
    dx, dy = x - caps.u0, y - caps.v0
    s = np.clip((dx * eu + dy * ev) / ee, 0.0, 1.0)
    qx, qy = dx - s * eu, dy - s * ev
    r = caps.r0 + s * (caps.r1 - caps.r0)
    inv_rpx2 = (0.5 * (caps.z0 + caps.z1) / (f_px * r)) ** 2
    # the nearer end cap as an exact sphere (matters for bones pointing at the camera)
    near0 = caps.range0 <= caps.range1
    cu, cv = np.where(near0, caps.u0, caps.u1), np.where(near0, caps.v0, caps.v1)
    cz, cr = np.where(near0, caps.z0, caps.z1), np.where(near0, caps.range0, caps.range1)
    c_r = np.where(near0, caps.r0, caps.r1)
    with np.errstate(invalid="ignore"):  # NaN where a pixel misses a capsule
        rng = caps.range0 + s * (caps.range1 - caps.range0) - r * np.sqrt(1.0 - (qx * qx + qy * qy) * inv_rpx2)
        cap = cr - c_r * np.sqrt(1.0 - ((x - cu) ** 2 + (y - cv) ** 2) * (cz / (f_px * c_r)) ** 2)
        out = np.fmin(rng, cap)
    out[np.isnan(out) | ~caps.valid] = np.inf
    return out


@dataclass(frozen=True, slots=True)
class Disc:
    """A flat disc (e.g. a barbell plate) in the camera frame."""

    centre: np.ndarray  #: (3,)
    normal: np.ndarray  #: (3,) unit
    radius_m: float


def disc_range_at(disc: Disc, ray_xyz: np.ndarray) -> np.ndarray:
    """Range to the disc along unnormalised rays (m, 3) with z = 1; inf where missed."""
    den = ray_xyz @ disc.normal
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (disc.centre @ disc.normal) / den
        hit = ray_xyz * t[:, None] - disc.centre
        inside = (np.einsum("ij,ij->i", hit, hit) < disc.radius_m**2) & (t > NEAR_M)
        return np.where(inside, t * np.linalg.norm(ray_xyz, axis=1), np.inf)


class SceneRenderer:
    """Renders one camera's view: static floor/walls once, bodies per frame."""

    def __init__(self, intr: Intrinsics, pose: CameraPose, walls: tuple[tuple[np.ndarray, float], ...] = ()) -> None:
        self.intr = intr
        w, h = intr.width_px, intr.height_px
        self.u_px, self.v_px = np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32)
        self.uu, self.vv = np.meshgrid(self.u_px, self.v_px)
        xn = (self.uu - intr.cx) / intr.fx
        yn = (self.vv - intr.cy) / intr.fy
        self.cos_px = (1.0 / np.sqrt(xn * xn + yn * yn + 1.0)).astype(np.float32)
        dirs = np.stack([xn, yn, np.ones_like(xn)], axis=-1).astype(np.float64)
        # planes n.X = c in the world: the floor (y = 0) and any walls
        z_bg = np.full((h, w), np.inf)
        kind = np.zeros((h, w), np.uint8)  # 0 none, 1 floor, 2 wall
        for k, (n_w, c) in enumerate(((np.array([0.0, 1.0, 0.0]), 0.0), *walls)):
            n_c = pose.rot @ n_w
            den = dirs @ n_c
            with np.errstate(divide="ignore", invalid="ignore"):
                t = (c - float(n_w @ pose.centre)) / den
            t = np.where((t > NEAR_M) & np.isfinite(t), t, np.inf)
            nearer = t < z_bg
            z_bg = np.where(nearer, t, z_bg)
            kind = np.where(nearer, 1 if k == 0 else 2, kind).astype(np.uint8)
        world = pose.centre + (dirs * z_bg[..., None]) @ pose.rot  # camera -> world: rot.T @ x
        self.bg_z = z_bg.astype(np.float32)
        self.bg_rgb = _background_rgb(kind, world, z_bg)
        self.noise = np.random.default_rng(12345).standard_normal(2 * w * h).astype(np.float32)

    def render(
        self, caps: Capsules | None, discs: tuple[Disc, ...], with_rgb: bool
    ) -> tuple[np.ndarray, np.ndarray | None, tuple[int, int, int, int]]:
        """Noise-free z-buffer (H, W) float32 (inf = nothing), optional RGB (H, W, 3)
        uint8, and the (x0, y0, x1, y1) pixel box that bodies touched."""
        h, w = self.bg_z.shape
        zbuf = self.bg_z.copy()
        rgb = self.bg_rgb.copy() if with_rgb else None
        box = [w, h, 0, 0]
        f = self.intr.fx
        if caps is not None:
            with np.errstate(invalid="ignore"):
                self._draw_all(caps, zbuf, rgb, box, f)
        for disc in discs:
            self._draw_disc(disc, zbuf, rgb, box)
        return zbuf, rgb, (box[0], box[1], box[2], box[3])

    def _draw_all(self, caps: Capsules, zbuf: np.ndarray, rgb: np.ndarray | None, box: list[int], f: float) -> None:
        h, w = zbuf.shape
        for i in np.flatnonzero(caps.valid):
            rmax = f * max(caps.r0[i], caps.r1[i]) / min(caps.z0[i], caps.z1[i]) + 1
            x0 = max(int(min(caps.u0[i], caps.u1[i]) - rmax), 0)
            x1 = min(int(max(caps.u0[i], caps.u1[i]) + rmax) + 2, w)
            y0 = max(int(min(caps.v0[i], caps.v1[i]) - rmax), 0)
            y1 = min(int(max(caps.v0[i], caps.v1[i]) + rmax) + 2, h)
            if x0 >= x1 or y0 >= y1:
                continue
            box[:] = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
            self._draw_capsule(caps, i, zbuf, rgb, (slice(y0, y1), slice(x0, x1)))

    def _draw_capsule(
        self, caps: Capsules, i: int, zbuf: np.ndarray, rgb: np.ndarray | None, sl: tuple[slice, slice]
    ) -> None:
        """Z-buffer capsule ``i`` into ``zbuf[sl]``. Pixels it misses are NaN and
        ``np.fmin`` ignores them (call under ``np.errstate(invalid="ignore")``)."""
        f32 = np.float32
        u0, v0, eu, ev = caps.u0[i], caps.v0[i], caps.u1[i] - caps.u0[i], caps.v1[i] - caps.v0[i]
        ee = max(eu * eu + ev * ev, 1e-12)
        dx = self.u_px[sl[1]] - f32(u0)  # (w,)
        dy = self.v_px[sl[0], None] - f32(v0)  # (h, 1)
        s = dx * f32(eu / ee) + dy * f32(ev / ee)  # (h, w) position along the segment
        np.clip(s, 0.0, 1.0, out=s)
        qx = dx - s * f32(eu)
        qy = dy - s * f32(ev)
        r0, r1 = caps.r0[i], caps.r1[i]
        zr = f32(0.5 * (caps.z0[i] + caps.z1[i]) / self.intr.fx)
        qx *= qx
        qy *= qy
        qx += qy
        if r0 == r1:
            r = f32(r0)
            qx *= -((zr / r) ** 2)
        else:  # tapered: the radius at each pixel's point of the axis
            r = s * f32(r1 - r0)
            r += f32(r0)
            qx *= -((zr / r) ** 2)
        qx += f32(1.0)
        cover = np.sqrt(qx, out=qx)  # NaN outside the capsule
        rng = s * f32(caps.range1[i] - caps.range0[i])
        rng += f32(caps.range0[i])
        rng -= r * cover
        if abs(caps.range1[i] - caps.range0[i]) > 0.2 * min(r0, r1):
            # the nearer end cap as an exact sphere (matters for bones pointing at the camera)
            k0 = caps.range0[i] <= caps.range1[i]
            cu, cv = (caps.u0[i], caps.v0[i]) if k0 else (caps.u1[i], caps.v1[i])
            cz, cr = (caps.z0[i], caps.range0[i]) if k0 else (caps.z1[i], caps.range1[i])
            r = r0 if k0 else r1
            ex = self.u_px[sl[1]] - f32(cu)
            ey = self.v_px[sl[0], None] - f32(cv)
            cap_cover = f32(1.0) - (ex * ex + ey * ey) * f32((cz / (self.intr.fx * r)) ** 2)
            np.sqrt(cap_cover, out=cap_cover)
            np.fmin(rng, f32(cr) - f32(r) * cap_cover, out=rng)
            np.fmax(cover, cap_cover, out=cover)
        rng *= self.cos_px[sl]
        region = zbuf[sl]
        if rgb is None:
            np.fmin(region, rng, out=region)
            return
        nearer = rng < region
        region[nearer] = rng[nearer]
        shade = (0.35 + 0.65 * cover[nearer])[:, None]
        rgb[sl][nearer] = (PALETTE[caps.colour[i]] * shade).astype(np.uint8)

    def _draw_disc(self, disc: Disc, zbuf: np.ndarray, rgb: np.ndarray | None, box: list[int]) -> None:
        intr = self.intr
        c = disc.centre
        if c[2] <= NEAR_M + disc.radius_m:
            return
        rpx = intr.fx * disc.radius_m / (c[2] - disc.radius_m) + 2
        u, v = intr.fx * c[0] / c[2] + intr.cx, intr.fy * c[1] / c[2] + intr.cy
        h, w = zbuf.shape
        x0, x1 = max(int(u - rpx), 0), min(int(u + rpx) + 1, w)
        y0, y1 = max(int(v - rpx), 0), min(int(v + rpx) + 1, h)
        if x0 >= x1 or y0 >= y1:
            return
        box[:] = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
        sl = (slice(y0, y1), slice(x0, x1))
        xn = ((self.uu[sl] - intr.cx) / intr.fx).ravel()
        yn = ((self.vv[sl] - intr.cy) / intr.fy).ravel()
        rays = np.stack([xn, yn, np.ones_like(xn)], axis=1).astype(np.float64)
        rng = disc_range_at(disc, rays).reshape(y1 - y0, x1 - x0)
        z = (rng * self.cos_px[sl]).astype(np.float32)
        region = zbuf[sl]
        nearer = z < region
        region[nearer] = z[nearer]
        if rgb is not None:
            rgb[sl][nearer] = PALETTE[4].astype(np.uint8)

    def sensor_depth(
        self, zbuf: np.ndarray, box: tuple[int, int, int, int], noise_k: float, rng: np.random.Generator
    ) -> np.ndarray:
        """RealSense-like depth (H, W) float32 in whole mm: noise sigma = k z^2, 0 outside
        [MIN_RANGE_M, MAX_RANGE_M] and at the bodies' depth edges."""
        h, w = zbuf.shape
        depth = zbuf.copy()
        if noise_k > 0:
            off = int(rng.integers(0, w * h))
            n = self.noise[off : off + w * h].reshape(h, w)
            depth += np.float32(noise_k) * depth * depth * n
        x0, y0, x1, y1 = box
        if x1 - x0 > 2 and y1 - y0 > 0:  # invalid pixels where the depth jumps (occlusion edges)
            x0, x1 = max(x0 - 2, 0), min(x1 + 2, w)
            reg = zbuf[y0:y1, x0:x1]
            with np.errstate(invalid="ignore"):
                jump = np.abs(np.diff(reg, axis=1)) > 0.08
            jump[np.isnan(jump)] = True
            edge = np.zeros(reg.shape, bool)
            edge[:, 1:] |= jump
            edge[:, :-1] |= jump
            depth[y0:y1, x0:x1][edge] = 0.0
        depth[(zbuf < MIN_RANGE_M) | (zbuf > MAX_RANGE_M)] = 0.0
        depth[~np.isfinite(depth)] = 0.0
        # whole millimetres, as a RealSense delivers them (z16 times a 1 mm depth scale)
        return np.rint(depth * np.float32(1000.0)).astype(np.uint16).astype(np.float32) * np.float32(0.001)


def _background_rgb(kind: np.ndarray, world: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Static background: a checkered floor and plain walls, fading with distance."""
    h, w = kind.shape
    rgb = np.full((h, w, 3), 40.0, np.float32)
    with np.errstate(invalid="ignore"):
        fade = np.clip(1.2 - z / 12.0, 0.35, 1.0)[..., None]
        check = ((np.floor(world[..., 0] / 0.5) + np.floor(world[..., 2] / 0.5)) % 2 == 0)[..., None]
    floor = np.where(check, np.array([150.0, 140.0, 125.0]), np.array([125.0, 115.0, 100.0])) * fade
    wall = np.array([200.0, 200.0, 190.0]) * fade
    rgb = np.where((kind == 1)[..., None], floor, rgb)
    rgb = np.where((kind == 2)[..., None], wall, rgb)
    return np.nan_to_num(rgb, nan=40.0).clip(0, 255).astype(np.uint8)
