"""The player's own range of the primary signal, and the counting thresholds it implies.

The library's thresholds are priors written for a typical body seen by a
typical camera. Monocular 3D and odd views compress a player's range at the
rest end (a standing barbell squatter's knee reads 150-153 deg; a high-knees
runner's hip 145-150 deg), so a rest position the library expects at 155 deg
is never reached and nothing is counted. :class:`RangeModel` follows the
player's *rest level* (where the signal sits between reps: the robust
start-side extreme of the last ``window_s`` seconds) and slides the start
zone, and the ready pose's thresholds on the same signal, towards the turn
until that rest level sits inside them with a ``margin``. The slide is
bounded (``max_shift``), never goes the other way (the library's start zone
is the hardest it gets), and keeps every hysteresis band and the turn
thresholds as written, so a +-3 deg dither still counts nothing and a
half rep is still a half rep.

One case needs more than the bounded slide: the whole range *offset*, as a
tilted webcam offsets a trunk angle measured against the picture's vertical
(a sit-up filmed by a phone looking 12 deg down reads every position 12 deg
more upright). The player's rest then sits outside the start zone while their
turn-side extreme goes well past the turn. When that extreme (also robust:
the second-farthest block) passes the turn by more than the slide still
lacks, every threshold, turn included, moves by the lacking part
(:func:`offset_for_range`): a rep must still cover the library's
start-to-turn span less the bounded slide, only from where this player's
range sits.

Everything here works on ``y = sign * value`` (the counter's convention:
away from the start is decreasing) and is fed plain numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from exercises.spec import Counting

WINDOW_S = 8.0  #: the rest level is the start-side extreme of this much recent movement
BLOCK_S = 0.25  #: ...taken per block of this length; the second-highest block is the estimate (one spike is ignored)
#: the start zone slides by at most this fraction of the gaps start.exit-turn.exit and partial-turn.enter (order kept)
MAX_SHIFT_OF_GAP = 0.6


@dataclass(frozen=True, slots=True)
class Tuning:
    """The few numbers of the player-relative counting, shared by every exercise.

    They are the only values fitted to the shared real clips, and ``bench
    counting`` reports them held out (each clip counted with the values that
    do best on the *other* clips).
    """

    #: the rest level must sit this far inside the start zone, as a fraction of the start zone's hysteresis band
    margin_of_band: float = 0.5
    #: the start zone slides by at most this fraction of the start-to-turn span (0: the library's zone as written)
    max_shift_of_span: float = 0.4
    #: a rep is back once within this fraction of its own depth of the rest it left (0: back at start.enter)
    return_slack_of_depth: float = 0.25


DEFAULT_TUNING = Tuning()


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The rep state machine's thresholds, in the signal's own units (as in :class:`Counting`)."""

    start_enter: float
    start_exit: float
    partial: float
    turn_enter: float
    turn_exit: float

    @classmethod
    def of(cls, c: Counting) -> Thresholds:
        return cls(c.start.enter, c.start.exit, c.partial, c.turn.enter, c.turn.exit)

    @property
    def sign(self) -> float:
        """+1 when the start is the high end (a squat's knee), -1 when it is the low end (a curl)."""
        return 1.0 if self.start_enter > self.turn_enter else -1.0

    def shifted(self, shift: float, offset: float = 0.0) -> Thresholds:
        """The start zone and ``partial`` moved ``shift`` (signal units, >= 0) towards the turn, then every
        threshold, the turn's too, moved ``offset`` (>= 0) the same way."""
        d = self.sign * (shift + offset)
        o = self.sign * offset
        return Thresholds(
            self.start_enter - d, self.start_exit - d, self.partial - d, self.turn_enter - o, self.turn_exit - o
        )


def max_shift(prior: Thresholds, tuning: Tuning = DEFAULT_TUNING) -> float:
    """How far the start zone may slide towards the turn (signal units) while keeping its order."""
    s = prior.sign
    span = s * (prior.start_enter - prior.turn_enter)
    gap_exit = s * (prior.start_exit - prior.turn_exit)
    gap_partial = s * (prior.partial - prior.turn_enter)
    return max(0.0, min(tuning.max_shift_of_span * span, MAX_SHIFT_OF_GAP * gap_exit, MAX_SHIFT_OF_GAP * gap_partial))


def shift_for_rest(
    prior: Thresholds, rest: float, demand: float | None = None, tuning: Tuning = DEFAULT_TUNING
) -> float:
    """The slide (signal units, 0..max_shift) that puts ``rest`` a margin inside the start zone.

    ``demand``: the most demanding start-side threshold on this signal (a ready
    condition stricter than ``start_enter``); it must be passed too.
    """
    if not math.isfinite(rest):
        return 0.0
    return float(min(max(_lacking(prior, rest, demand, tuning), 0.0), max_shift(prior, tuning)))


def _lacking(prior: Thresholds, rest: float, demand: float | None, tuning: Tuning) -> float:
    """How far (y-space, may be negative) the start zone must move for ``rest`` to sit a margin inside it."""
    s = prior.sign
    margin = tuning.margin_of_band * s * (prior.start_enter - prior.start_exit)
    need = s * prior.start_enter
    if demand is not None and math.isfinite(demand):
        need = max(need, s * demand)
    return need + margin - s * rest


def offset_for_range(
    prior: Thresholds,
    rest: float,
    top: float,
    shift: float,
    demand: float | None = None,
    tuning: Tuning = DEFAULT_TUNING,
) -> float:
    """How far the whole threshold set moves (signal units, >= 0) for a range offset past the turn.

    ``rest`` and ``top``: the player's start-side and turn-side extremes;
    ``shift``: the slide already granted (:func:`shift_for_rest`). The offset
    is what the slide lacks to put ``rest`` a margin inside the start zone,
    but no more than ``top`` goes past the turn's far edge (``turn.enter``
    plus its hysteresis band), so the turn stays reached with a band to spare.
    """
    if not (math.isfinite(rest) and math.isfinite(top)) or tuning.max_shift_of_span <= 0.0:
        return 0.0
    s = prior.sign
    lacking = _lacking(prior, rest, demand, tuning) - shift
    band = s * (prior.turn_exit - prior.turn_enter)
    past_turn = s * prior.turn_enter - s * top - band
    return float(max(0.0, min(lacking, past_turn)))


class RangeModel:
    """Running robust rest level of one signal, and the thresholds in force.

    Feed it every sample with :meth:`update`; :attr:`thresholds` and
    :attr:`shift` change only when a block closes (four times a second), so
    the counter's zones never move within a movement's frame-to-frame noise.
    """

    def __init__(self, counting: Counting, demand: float | None = None, tuning: Tuning = DEFAULT_TUNING) -> None:
        self.prior = Thresholds.of(counting)
        self.tuning = tuning
        self.sign = self.prior.sign
        self.demand = demand
        self._blocks = np.full(max(round(WINDOW_S / BLOCK_S), 2), -np.inf)  #: y-space max of each block
        self._lows = np.full(self._blocks.size, np.inf)  #: y-space min of each block
        self.reset()

    def reset(self) -> None:
        """Forget the player's range (a new player, or one seen again after a long absence)."""
        self._blocks[:] = -np.inf
        self._lows[:] = np.inf
        self._k = 0
        self._block_t = math.nan
        self._block_max = -math.inf
        self._block_min = math.inf
        self.rest = math.nan  #: the player's rest level (signal units), NaN until a block closed
        self.top = math.nan  #: the player's turn-side extreme (signal units), NaN until a block closed
        self.shift = 0.0  #: the start zone's slide towards the turn
        self.offset = 0.0  #: the whole set's move for a range offset past the turn (:func:`offset_for_range`)
        self.thresholds = self.prior

    def update(self, t_s: float, value: float) -> bool:
        """Feed one sample (NaN ignored); True when the thresholds in force changed."""
        if math.isnan(self._block_t):
            self._block_t = t_s
        if math.isfinite(value):
            self._block_max = max(self._block_max, self.sign * value)
            self._block_min = min(self._block_min, self.sign * value)
        if t_s - self._block_t < BLOCK_S:
            return False
        self._blocks[self._k] = self._block_max
        self._lows[self._k] = self._block_min
        self._k = (self._k + 1) % self._blocks.size
        self._block_t, self._block_max, self._block_min = t_s, -math.inf, math.inf
        finite = self._blocks[np.isfinite(self._blocks)]
        if finite.size == 0:
            return False
        rest_y = float(np.partition(finite, -2)[-2]) if finite.size >= 2 else float(finite[0])
        lows = self._lows[np.isfinite(self._lows)]
        top_y = float(np.partition(lows, 1)[1]) if lows.size >= 2 else float(lows[0])
        self.rest, self.top = self.sign * rest_y, self.sign * top_y
        shift = shift_for_rest(self.prior, self.rest, self.demand, self.tuning)
        offset = offset_for_range(self.prior, self.rest, self.top, shift, self.demand, self.tuning)
        if shift == self.shift and offset == self.offset:
            return False
        self.shift, self.offset = shift, offset
        self.thresholds = self.prior.shifted(shift, offset)
        return True

    @property
    def moved(self) -> float:
        """How far the start zone has moved in all (slide and offset, signal units)."""
        return self.shift + self.offset

    def shifted_condition(self, threshold: float) -> float:
        """A start-side threshold on this signal (a ready condition) moved with the start zone."""
        return threshold - self.sign * self.moved
