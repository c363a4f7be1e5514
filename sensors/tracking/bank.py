"""A vectorised bank of constant-velocity Kalman filters with speed-adaptive process noise.

One filter per coordinate of each joint: state ``x = [p, v]`` (position,
velocity), covariance ``P`` (2, 2). Shapes: ``x`` (J, A, 2), ``P`` (J, A, 2, 2)
for J joints and A axes. The equations are filterpy's, written next to the code:

    predict:  x = F x            F = [[1, dt], [0, 1]]
              P = F P F' + Q     Q = Q_discrete_white_noise(2, dt, 1) * sigma_a^2
    update:   y = z - H x        H = [1, 0]
              S = H P H' + R
              K = P H' S^-1
              x = x + K y
              P = (I - K H) P

Adaptive process noise (One Euro's idea inside the Kalman filter): each
joint's acceleration std grows with its speed,
``sigma_a = accel_min + accel_per_speed * max(|v_lp| - deadband, 0)``, where ``v_lp`` is the
joint's velocity estimate low-passed (as a vector, so noise averages out)
with ``speed_tau_s``. A held
joint gets a tiny ``sigma_a`` (the filter averages over many frames: low
jitter); a moving one a large ``sigma_a`` (gain near 1: no lag). The smoothed
speed decays slowly, so a reversal, where the speed passes through zero, still
sees the large noise of the motion before it.

Why not filterpy's ``KalmanFilter`` / ``IMMEstimator`` objects: a pose needs
33 joints x (2 + 3 + 3) axes = 264 filters per frame, and one filterpy
``predict`` + ``update`` costs tens of microseconds in Python, so a bank of
them takes several milliseconds against a budget of 1 ms for the whole
pipeline (``repquest bench tracking`` measures both). This bank does the same
algebra on arrays; ``tests/test_tracker.py`` checks it against filterpy's
``KalmanFilter`` step by step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from filterpy.common import Q_discrete_white_noise


@dataclass(frozen=True, slots=True)
class MotionNoise:
    """Process noise of one coordinate space (units: the space's, per second squared)."""

    accel_min: float  #: acceleration std of a joint at rest
    accel_per_speed: float  #: extra acceleration std per unit of speed (1/s)
    accel_max: float  #: cap on the acceleration std
    speed_tau_s: float = 0.15  #: time constant of the speed low-pass
    speed_deadband: float = 0.0  #: speeds below this (the noise's apparent speed) count as rest


_Q_CACHE: dict[float, np.ndarray] = {}


def _unit_q(dt_s: float) -> np.ndarray:
    """(1, 3) [q00, q01, q11] of filterpy's ``Q_discrete_white_noise(2, dt, var=1)``."""
    q = _Q_CACHE.get(dt_s)
    if q is None:
        full = Q_discrete_white_noise(dim=2, dt=dt_s, var=1.0)
        q = np.array([[full[0, 0], full[0, 1], full[1, 1]]])
        if len(_Q_CACHE) < 256:
            _Q_CACHE[dt_s] = q
    return q


class KalmanBank:
    """Constant-velocity filters for a (J, A) array of coordinates."""

    def __init__(self, n_joints: int, n_axes: int, noise: MotionNoise) -> None:
        self.noise = noise
        self.x = np.zeros((n_joints, n_axes, 2))
        self.P = np.zeros((n_joints, n_axes, 2, 2))
        self.alive = np.zeros(n_joints, bool)
        self.v_lp = np.zeros((n_joints, n_axes))  #: low-passed velocity, unit/s
        self.speed = np.zeros(n_joints)  #: |v_lp|, unit/s

    def sigma_a(self) -> np.ndarray:
        """(J,) acceleration std used by the next predict."""
        n = self.noise
        moving = np.maximum(self.speed - n.speed_deadband, 0.0)
        return np.minimum(n.accel_min + n.accel_per_speed * moving, n.accel_max)

    def predict(self, dt_s: float) -> None:
        if dt_s <= 0:
            return
        q = _unit_q(dt_s) * (self.sigma_a() ** 2)[:, None, None]  # (J, 3): q00, q01, q11
        x, P = self.x, self.P
        x[..., 0] += dt_s * x[..., 1]  # x = F x
        # P = F P F' + Q, written out for F = [[1, dt], [0, 1]]
        P00, P01, P11 = P[..., 0, 0], P[..., 0, 1], P[..., 1, 1]
        P00 += 2 * dt_s * P01 + dt_s * dt_s * P11 + q[:, :, 0]
        P01 += dt_s * P11 + q[:, :, 1]
        P11 += q[:, :, 2]
        P[..., 1, 0] = P01

    def maneuver_var(self, dt_s: float) -> float:
        """Position variance a step of ``dt_s`` at the largest acceleration adds (``accel_max``)."""
        return float(_unit_q(dt_s)[0, 0]) * self.noise.accel_max**2 if dt_s > 0 else 0.0

    def start_maneuver(self, mask: np.ndarray, dt_s: float) -> None:
        """The joints in ``mask`` accelerate hard now (a kick, a reversal): add the process noise
        of ``accel_max`` for this step so the update follows the measurement."""
        if dt_s > 0 and mask.any():
            q = _unit_q(dt_s)[0] * self.noise.accel_max**2
            self.P[mask, :, 0, 0] += q[0]
            self.P[mask, :, 0, 1] += q[1]
            self.P[mask, :, 1, 0] += q[1]
            self.P[mask, :, 1, 1] += q[2]

    def predicted(self, dt_s: float) -> np.ndarray:
        """Positions ``dt_s`` ahead without changing the filter, (J, A)."""
        return self.x[..., 0] + dt_s * self.x[..., 1]

    def position_var(self, dt_s: float = 0.0) -> np.ndarray:
        """(J, A) position variance ``dt_s`` ahead (without the process noise of that gap)."""
        P = self.P
        return P[..., 0, 0] + 2 * dt_s * P[..., 0, 1] + dt_s * dt_s * P[..., 1, 1]

    def innovation_d2(self, z: np.ndarray, R: np.ndarray) -> np.ndarray:
        """Mahalanobis distance^2 of each joint's measurement ``z`` (J, A) with noise variance ``R`` (J, A)."""
        y = z - self.x[..., 0]  # y = z - H x
        S = self.P[..., 0, 0] + R  # S = H P H' + R
        return np.nansum(y * y / S, axis=1)

    def update(self, z: np.ndarray, R: np.ndarray, use: np.ndarray, dt_s: float) -> None:
        """Kalman update of the joints in ``use`` (bool (J,)) with ``z`` (J, A), variances ``R`` (J, A)."""
        fresh = use & ~self.alive
        if fresh.any():  # first sight: position measured, velocity unknown (a loose prior)
            self.x[fresh, :, 0] = z[fresh]
            self.x[fresh, :, 1] = 0.0
            self.P[fresh] = 0.0
            self.P[fresh, :, 0, 0] = R[fresh]
            self.P[fresh, :, 1, 1] = (0.5 * self.noise.accel_max) ** 2 * 0.1
            self.speed[fresh] = 0.0
            self.v_lp[fresh] = 0.0
            self.alive |= fresh
        upd = use & ~fresh
        if upd.any():  # on whole arrays (33 joints): cheaper than gathering the used rows
            m = upd[:, None]
            x, P = self.x, self.P
            P00, P01, P11 = P[..., 0, 0], P[..., 0, 1], P[..., 1, 1]
            y = np.where(m, z - x[..., 0], 0.0)  # y = z - H x
            S = P00 + np.where(m, R, 1.0)  # S = H P H' + R
            K0 = np.where(m, P00 / S, 0.0)  # K = P H' S^-1
            K1 = np.where(m, P01 / S, 0.0)
            x[..., 0] += K0 * y  # x = x + K y
            x[..., 1] += K1 * y
            # P = (I - K H) P, written out for H = [1, 0]
            new01 = (1 - K0) * P01
            new11 = P11 - K1 * P01
            P00 *= 1 - K0
            P01[...] = new01
            P[..., 1, 0] = new01
            P11[...] = new11
        if dt_s > 0:  # velocity low-pass (coasting joints keep theirs); noise averages out, motion stays
            a = dt_s / (self.noise.speed_tau_s + dt_s)
            self.v_lp = np.where(use[:, None], self.v_lp + a * (self.x[..., 1] - self.v_lp), self.v_lp)
            self.speed = np.sqrt((self.v_lp * self.v_lp).sum(axis=1))

    def reset(self, mask: np.ndarray) -> None:
        self.alive &= ~mask
