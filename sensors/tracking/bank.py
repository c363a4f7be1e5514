"""A vectorised bank of two-model IMM filters (still / moving) over constant-velocity models.

One filter per coordinate: J joints x A axes (the tracker uses A = 8: image
px x2, hip-centred world metres x3, camera metres x3), state ``[p, v]``,
two motion models M = (still, moving) that differ only in their process
noise and dynamics. Shapes: positions/velocities ``(M, J, A)``, the covariance as its
three distinct entries ``p00, p01, p11`` ``(M, J, A)``, mode probabilities
``mu`` ``(J, M)`` shared by all axes of a joint (a joint is still or moving
as a whole, and every measurement of it -- pixels, world, depth -- tells).
The equations are filterpy's (``KalmanFilter`` and ``IMMEstimator``),
written next to the code:

    mixing:   cbar = mu T              omega_ik = T_ik mu_i / cbar_k
              x0_k = sum_i omega_ik x_i
              P0_k = sum_i omega_ik (P_i + (x_i - x0_k)(x_i - x0_k)')
    predict:  x = F_k x                P = F_k P F_k' + Q_k
              moving: F = [[1, dt], [0, 1]], Q = Q_discrete_white_noise(2, dt, 1) * sigma_a^2
              still:  F = [[1, 0], [0, 0]],  Q = diag((d dt)^2, d^2)   (stays put, drift d)
    update:   y = z - H x              H = [1, 0]
              S = H P H' + R
              K = P H' S^-1
              x = x + K y
              P = (I - K H) P
              mu_k = cbar_k L_k / sum    L_k = prod over the joint's axes of N(y; 0, S)
    estimate: x = sum_k mu_k x_k,  P = sum_k mu_k (P_k + (x_k - x)(x_k - x)')

Why two models (measured with ``repquest bench tracking``): a single
speed-adaptive filter must read "still" from a noisy speed estimate, so on
holds its noise stayed high (static jitter only 51-64 % below raw). The
still model (velocity 0, position drifting at ``still_drift``: a few mm/s)
averages a held joint over many frames; the moving model (``accel_min + accel_per_speed * speed``, capped at
``accel_max``: One Euro's idea inside the Kalman filter) follows kicks and
reversals with a gain near 1. The innovation likelihoods pick between them
every frame, with the whole joint's evidence.

Why not filterpy's ``KalmanFilter`` / ``IMMEstimator`` objects: a pose needs
33 joints x 8 axes = 264 filters (528 with two models) per frame; one
filterpy ``predict`` + ``update`` costs tens of microseconds in Python, so a
bank of them measured 10.5-17.5 ms per frame against a budget of 1 ms for the
whole pipeline (``repquest bench tracking`` reports it). This bank does the
same algebra as scalar loops compiled with numba (``kernels.py``: numpy on
(33, 8) arrays still cost ~250 calls, ~2 ms a frame);
``tests/test_tracker_bank.py`` checks it against filterpy's ``IMMEstimator``
and ``KalmanFilter`` step by step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sensors.tracking import kernels

STILL, MOVING = 0, 1


@dataclass(frozen=True, slots=True)
class MotionNoise:
    """Process noise of one coordinate space (units: the space's, per second squared)."""

    accel_min: float  #: moving model: acceleration std at zero speed
    accel_per_speed: float  #: moving model: extra acceleration std per unit of speed (1/s)
    accel_max: float  #: moving model's cap; also the hard manoeuvre allowed by the gate
    speed_tau_s: float = 0.15  #: time constant of the speed low-pass
    speed_deadband: float = 0.0  #: speeds below this (the noise's apparent speed) count as rest
    still_drift: float = 0.0  #: still model: speed std (units/s) of a held joint's slow drift


_Q_CACHE: dict[float, tuple[float, float, float]] = {}


def _unit_q(dt_s: float) -> tuple[float, float, float]:
    """(q00, q01, q11) of filterpy's ``Q_discrete_white_noise(2, dt, var=1)``, written out as filterpy
    does (``[[.25 dt^4, .5 dt^3], [.5 dt^3, dt^2]]``): importing filterpy imports scipy, seconds in every
    process that tracks (each game source's process)."""
    q = _Q_CACHE.get(dt_s)
    if q is None:
        q = (float(0.25 * dt_s**4), float(0.5 * dt_s**3), float(dt_s**2))
        if len(_Q_CACHE) < 256:
            _Q_CACHE[dt_s] = q
    return q


_QA_CACHE: dict[float, np.ndarray] = {}


def _unit_q_array(dt_s: float) -> np.ndarray:
    """``_unit_q`` as a (3,) array (what the kernels take)."""
    q = _QA_CACHE.get(dt_s)
    if q is None:
        q = np.array(_unit_q(dt_s))
        if len(_QA_CACHE) < 256:
            _QA_CACHE[dt_s] = q
    return q


class KalmanBank:
    """Two-model (still / moving) IMM filters for a (J, A) array of coordinates.

    ``spaces`` lists ``(n_axes, MotionNoise)`` per coordinate space; the
    axes of all spaces are concatenated. ``transition`` is the per-frame mode
    transition matrix ``T[i, k] = P(mode k next | mode i now)``; ``mode_axis``
    (A,) bool, the axes whose innovations decide the mode (default: all).
    """

    def __init__(
        self,
        n_joints: int,
        spaces: Sequence[tuple[int, MotionNoise]],
        transition: np.ndarray | None = None,
        mode_axis: np.ndarray | None = None,
    ) -> None:
        self.spaces = tuple(spaces)
        self.n_axes = sum(n for n, _ in self.spaces)
        j, a = n_joints, self.n_axes
        self.T = np.array([[0.97, 0.03], [0.03, 0.97]]) if transition is None else np.asarray(transition, float)
        self.space_of_axis = np.concatenate([np.full(n, k) for k, (n, _) in enumerate(self.spaces)])
        self.slices = []
        start = 0
        for n, _ in self.spaces:
            self.slices.append(slice(start, start + n))
            start += n

        def per_axis(get: object) -> np.ndarray:
            return np.array([getattr(self.spaces[k][1], str(get)) for k in self.space_of_axis])

        self._accel_min = per_axis("accel_min")
        self._accel_per_speed = per_axis("accel_per_speed")
        self._accel_max = per_axis("accel_max")
        self._deadband = per_axis("speed_deadband")
        self._still_drift = per_axis("still_drift")
        self._tau = np.array([s.speed_tau_s for _, s in self.spaces])
        self._tau_axis = self._tau[self.space_of_axis]
        self._space_start = np.array([sl.start for sl in self.slices] + [a], np.int64)
        #: per axis: accel_min, accel_per_speed, accel_max, speed deadband, still drift (the kernels' layout)
        self._noise = np.stack([self._accel_min, self._accel_per_speed, self._accel_max, self._deadband,
                                self._still_drift])  # fmt: skip
        self.xp = np.zeros((2, j, a))  #: positions per model
        self.xv = np.zeros((2, j, a))  #: velocities per model
        self.p00 = np.zeros((2, j, a))
        self.p01 = np.zeros((2, j, a))
        self.p11 = np.zeros((2, j, a))
        # a joint (re)appearing has usually just moved; with no way into "still", it is never still
        self._mu0 = (
            np.array([0.0, 1.0]) if self.T[MOVING, STILL] == 0 and self.T[STILL, STILL] < 1e-9 else np.array([0.2, 0.8])
        )
        self.mu = np.tile(self._mu0, (j, 1))  #: (J, M) mode probabilities
        #: only the moving model (no way into "still"): mixing and mode likelihoods are skipped
        self.single = bool(self._mu0[STILL] == 0)
        self.alive = np.zeros((j, a), bool)
        self._keep_v = np.zeros((j, a), bool)  #: reset entries that keep their velocity when re-initialised
        self.v_lp = np.zeros((j, a))  #: low-passed velocity, unit/s
        self.speed = np.zeros((j, len(self.spaces)))  #: |v_lp| per space, unit/s
        #: (A,) the axes whose innovations decide the mode probabilities (all by default)
        self.mode_axis = np.ones(a, bool) if mode_axis is None else np.asarray(mode_axis, bool)
        self.p = np.zeros((j, a))  #: (J, A) combined position
        self.v = np.zeros((j, a))  #: (J, A) combined velocity
        self.c00 = np.zeros((j, a))  #: (J, A) combined covariance entries
        self.c01 = np.zeros((j, a))
        self.c11 = np.zeros((j, a))
        #: the combined estimate as the kernels take it (the same arrays, updated in place)
        self.est = (self.p, self.v, self.c00, self.c01, self.c11)
        self._estimate()

    # -- the combined estimate ------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the combined estimate after ``mu`` was changed from outside."""
        self._estimate()

    def _estimate(self) -> None:
        """x = sum_k mu_k x_k; P = sum_k mu_k (P_k + (x_k - x)(x_k - x)')."""
        kernels.estimate(self.xp, self.xv, self.p00, self.p01, self.p11, self.mu, self.single, *self.est)

    def sigma_a(self) -> np.ndarray:
        """(J, A) acceleration std of the moving model for the next predict."""
        moving = np.maximum(self.speed[:, self.space_of_axis] - self._deadband, 0.0)
        return np.minimum(self._accel_min + self._accel_per_speed * moving, self._accel_max)

    def predict(self, dt_s: float) -> None:
        """IMM mixing, then each model's x = F x, P = F P F' + Q (the equations above; ``kernels.predict``)."""
        if dt_s <= 0:
            return
        kernels.predict(self.xp, self.xv, self.p00, self.p01, self.p11, self.mu, self.T, self.single, dt_s,
                        _unit_q_array(dt_s), self.speed, self.space_of_axis, self._noise, self.est)  # fmt: skip

    def maneuver_var(self, dt_s: float, space: int = 0) -> float:
        """Position variance a step of ``dt_s`` at the space's largest acceleration adds."""
        return _unit_q(dt_s)[0] * self.spaces[space][1].accel_max ** 2 if dt_s > 0 else 0.0

    def start_maneuver(self, mask: np.ndarray, dt_s: float) -> None:
        """The joints in ``mask`` (J,) accelerate hard now (a kick, a reversal): add the process
        noise of ``accel_max`` for this step to both models so the update follows the measurement."""
        if dt_s > 0 and mask.any():
            q00, q01, q11 = _unit_q(dt_s)
            var = self._accel_max**2
            self.p00[:, mask] += q00 * var
            self.p01[:, mask] += q01 * var
            self.p11[:, mask] += q11 * var
            self._estimate()

    def predicted(self, dt_s: float, axes: slice = slice(None)) -> np.ndarray:
        """Positions ``dt_s`` ahead without changing the filter, (J, A)."""
        return self.p[:, axes] + dt_s * self.v[:, axes]

    def position_var(self, dt_s: float = 0.0, axes: slice = slice(None)) -> np.ndarray:
        """(J, A) position variance ``dt_s`` ahead (without the process noise of that gap)."""
        return self.c00[:, axes] + 2 * dt_s * self.c01[:, axes] + dt_s * dt_s * self.c11[:, axes]

    def innovation_d2(self, z: np.ndarray, R: np.ndarray, axes: slice) -> np.ndarray:
        """(J,) Mahalanobis distance^2 of the measurements ``z`` (J, a) with variances ``R``
        (J, a) on ``axes``, against the combined prediction."""
        y = z - self.p[:, axes]  # y = z - H x
        S = self.c00[:, axes] + R  # S = H P H' + R
        return np.nansum(y * y / S, axis=1)

    def update(self, z: np.ndarray, R: np.ndarray, use: np.ndarray, dt_s: float) -> None:
        """Update the (joint, axis) entries in ``use`` (J, A) with ``z`` (J, A), variances ``R`` (J, A).

        First sight initialises an entry (position measured, velocity unknown: a loose prior);
        the others get the update of every model and the mode likelihoods (``kernels.update``);
        then the velocity low-pass (noise averages out, motion stays) and the speeds."""
        kernels.update(self.xp, self.xv, self.p00, self.p01, self.p11, self.mu, self.alive, self._keep_v, self.v_lp,
                       self.speed, self.est, np.asarray(z, np.float64), np.asarray(R, np.float64),
                       np.asarray(use, np.bool_), float(dt_s), self.single, self._mu0, self._accel_max,
                       self._tau_axis, self._space_start, self.mode_axis)  # fmt: skip

    def reset(self, mask: np.ndarray, axes: slice = slice(None), keep_velocity: bool = False) -> None:
        """Forget the joints in ``mask`` (J,) on ``axes``: the next measurement re-initialises them
        (their velocity too, unless ``keep_velocity``)."""
        if mask.any():
            self.alive[mask, axes] = False
            self._keep_v[mask, axes] = keep_velocity
