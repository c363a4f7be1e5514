"""The rep state machine: fed (time, value) numbers, it says when a rep starts, turns and ends.

Pure and small so it is tested with scripted sequences. Zones have
hysteresis (a zone is entered past ``enter`` and left only past ``exit``)
and every transition must hold for ``min_dwell_s`` (a one-frame glitch never
moves it). The machine works on ``y = sign * value`` so that "away from the
start" is always decreasing::

    START --y < start.exit--> AWAY --y <= turn.enter--> TURN --y > turn.exit--> RETURN
      ^                         |                                                 |
      +----y >= start.enter-----+ (partial if it passed `partial`)                |
      +--------------------------------y >= start.enter (rep)---------------------+

With ``partial_excursion``, a movement that far from the rest position and
back that never leaves START is a partial too (a crunch inside a sit-up's
wide start zone).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exercises.events import PartialRep, Phase, PhaseChanged
from exercises.spec import Counting


@dataclass(frozen=True, slots=True)
class RepTiming:
    """When a completed rep started, reached its turn, left it, and ended (seconds)."""

    start_t_s: float
    turn_t_s: float
    leave_turn_t_s: float
    end_t_s: float
    extreme: float  #: the farthest value reached (signal units)


CounterEvent = PhaseChanged | PartialRep | RepTiming
DWELL_EPS_S = 1e-6  #: frame timestamps 0.1 s apart must satisfy a 0.1 s dwell despite rounding


class RepCounter:
    """Explicit state machine over :class:`Phase` (IDLE until :meth:`arm` is called)."""

    def __init__(self, counting: Counting) -> None:
        c = counting
        self.sign = 1.0 if c.start.enter > c.turn.enter else -1.0
        s = self.sign
        self.start_enter, self.start_exit = s * c.start.enter, s * c.start.exit
        self.turn_enter, self.turn_exit = s * c.turn.enter, s * c.turn.exit
        self.partial = s * c.partial
        self.excursion = c.partial_excursion if c.partial_excursion is not None else math.inf
        self.dwell_s = c.min_dwell_s
        self.min_rep_s, self.max_rep_s = c.rep_s.min, c.rep_s.max
        self.tau_s = c.smoothing_s
        self.phase = Phase.IDLE
        self._primed = False
        self._since = [math.nan] * 4  #: zone conditions: below start.exit, in turn, past turn.exit, in start
        self._last_move_t = -math.inf
        self._reset_rep()
        self._y = math.nan
        self._t = math.nan

    def _reset_rep(self) -> None:
        self._rest = -math.inf  #: the start position's value (max y while at START)
        self._excursion_since = math.nan  #: while the signal is far from rest but still in the start zone
        self._excursion_peak = math.inf
        self._excursed = False
        self._last_start_t = math.nan
        self._rep_start_t = math.nan
        self._turn_t = math.nan
        self._leave_t = math.nan
        self._extreme = math.inf
        self._abandoned = False

    def arm(self, t_s: float) -> list[CounterEvent]:
        """Start counting (the ready pose was held): go to START.

        Samples are ignored until the signal is near the start position
        (past ``partial``), so arming in the middle of a movement, or in the
        turn position, never completes a rep the machine did not see begin.
        """
        self._reset_rep()
        self._primed = False
        self._since = [math.nan] * 4
        self._last_start_t = t_s
        return self._go(Phase.START, t_s)

    def disarm(self, t_s: float) -> list[CounterEvent]:
        """Stop counting (player lost, posture broken); a rep in progress is dropped."""
        self._reset_rep()
        self._y = math.nan
        return self._go(Phase.IDLE, t_s) if self.phase is not Phase.IDLE else []

    def _go(self, phase: Phase, t_s: float) -> list[CounterEvent]:
        self.phase = phase
        self._last_move_t = t_s
        return [PhaseChanged(t_s, phase)]

    @property
    def value(self) -> float:
        """The (smoothed) value the machine last saw, in signal units."""
        return self.sign * self._y

    def update(self, t_s: float, value: float) -> list[CounterEvent]:
        """Feed one sample; NaN samples are ignored. Returns what happened."""
        if self.phase is Phase.IDLE or not math.isfinite(value):
            return []
        y = self.sign * value
        if self.tau_s > 0 and math.isfinite(self._y):
            alpha = 1.0 - math.exp(-max(t_s - self._t, 0.0) / self.tau_s)
            y = self._y + alpha * (y - self._y)
        self._y, self._t = y, t_s
        if not self._primed:
            if y < self.partial:
                return []
            self._primed = True
            self._last_start_t = t_s
        out: list[CounterEvent] = []
        if self.phase is not Phase.START and t_s - self._rep_start_t > self.max_rep_s:
            self._abandoned = True  # too slow to be a rep: finish the cycle without counting it
        self._track_zones(t_s, y)
        for _ in range(4):  # a sparse stream may cross several zones in one sample
            target = self._target(y)
            if target is None:
                break
            since = self._since[self._zone_of(target)]
            if t_s - since < self.dwell_s - DWELL_EPS_S:
                break
            # the move happened when its condition started holding (not when the dwell confirmed it)
            out += self._transition(target, max(since, self._last_move_t))
        if self.phase is Phase.START:
            if y >= self.start_enter:
                self._last_start_t = t_s
            out += self._small_excursion(t_s, y)
        if self.phase in (Phase.AWAY, Phase.TURN, Phase.RETURN):
            self._extreme = min(self._extreme, y)
        return out

    def _small_excursion(self, t_s: float, y: float) -> list[CounterEvent]:
        """A movement inside a wide start zone, ``excursion`` away from rest and back: a partial rep."""
        if not math.isfinite(self.excursion):
            return []
        self._rest = max(self._rest, y)
        away = self._rest - y
        if away >= self.excursion:
            self._excursion_peak = min(self._excursion_peak, y)
            if math.isnan(self._excursion_since):
                self._excursion_since = t_s
            if t_s - self._excursion_since >= self.dwell_s - DWELL_EPS_S:
                self._excursed = True
            return []
        self._excursion_since = math.nan
        if self._excursed and away <= self.excursion / 3:
            frac = (self._rest - self._excursion_peak) / (self.start_enter - self.turn_enter)
            self._excursed = False
            self._excursion_peak = math.inf
            return [PartialRep(t_s, min(max(frac, 0.0), 1.0))]
        return []

    def _track_zones(self, t_s: float, y: float) -> None:
        """Since when each zone condition has held without a break (NaN while it does not hold)."""
        held = (y < self.start_exit, y <= self.turn_enter, y > self.turn_exit, y >= self.start_enter)
        for k, h in enumerate(held):
            if not h:
                self._since[k] = math.nan
            elif math.isnan(self._since[k]):
                self._since[k] = t_s

    @staticmethod
    def _zone_of(target: Phase) -> int:
        """Index in ``_since`` of the condition that moves the machine to ``target``."""
        return {Phase.AWAY: 0, Phase.TURN: 1, Phase.RETURN: 2, Phase.START: 3}[target]

    def _target(self, y: float) -> Phase | None:
        p = self.phase
        if p is Phase.START:
            return Phase.AWAY if y < self.start_exit else None
        if p is Phase.AWAY:
            if y <= self.turn_enter:
                return Phase.TURN
            return Phase.START if y >= self.start_enter else None
        if p is Phase.TURN:
            return Phase.RETURN if y > self.turn_exit else None
        if p is Phase.RETURN:
            if y >= self.start_enter:
                return Phase.START
            return Phase.TURN if y <= self.turn_enter else None
        return None

    def _transition(self, target: Phase, t_s: float) -> list[CounterEvent]:
        p = self.phase
        out: list[CounterEvent] = []
        if p is Phase.START:
            last_start_t = self._last_start_t
            self._reset_rep()
            self._rep_start_t = last_start_t if math.isfinite(last_start_t) else t_s
        elif p is Phase.AWAY and target is Phase.TURN:
            self._turn_t = t_s
        elif p is Phase.AWAY and target is Phase.START:
            if self._extreme <= self.partial and not self._abandoned:
                span = self.start_enter - self.turn_enter
                frac = (self.start_enter - self._extreme) / span if span > 0 else math.nan
                out.append(PartialRep(t_s, min(max(frac, 0.0), 1.0)))
        elif p is Phase.TURN:
            self._leave_t = t_s
        elif p is Phase.RETURN and target is Phase.START:
            duration = t_s - self._rep_start_t
            if not self._abandoned and duration >= self.min_rep_s:
                out.append(RepTiming(self._rep_start_t, self._turn_t, self._leave_t, t_s, self.sign * self._extreme))
        if target is Phase.START:
            self._last_start_t = t_s
        return out + self._go(target, t_s)
