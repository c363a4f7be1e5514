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

Armed in the middle of a movement (a clip that starts mid-set, a player seen
again mid-rep), the machine waits for the start position, except for a
movement it sees going further away: past ``partial`` and by at least the
turn band beyond the first sample, it is followed as a rep (or a partial)
that started at the first sample, so "bottom and return in view" counts,
and a return already under way does not.

The thresholds may be moved while counting (:meth:`RepCounter.set_thresholds`,
fed by :class:`exercises.range_model.RangeModel`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from exercises.events import PartialRep, Phase, PhaseChanged
from exercises.range_model import DEFAULT_TUNING, Thresholds
from exercises.spec import Counting

#: ``partial_excursion`` when an exercise does not set it, in start-to-turn spans (the squat's 25 deg is 0.71)
DEFAULT_EXCURSION_OF_SPAN = 0.7


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

    def __init__(self, counting: Counting, return_slack_of_depth: float = DEFAULT_TUNING.return_slack_of_depth) -> None:
        """``return_slack_of_depth``: a rep is back at the start once it has come back this close to the
        rest it left, as a fraction of its own depth (a 51 deg lunge is back 13 deg short of its rest),
        even short of ``start.enter`` (never past ``start.exit``)."""
        c = counting
        self.return_slack = return_slack_of_depth
        self.prior = Thresholds.of(c)
        self.sign = self.prior.sign
        self.set_thresholds(self.prior)
        span = abs(c.start.enter - c.turn.enter)
        self.excursion = c.partial_excursion if c.partial_excursion is not None else DEFAULT_EXCURSION_OF_SPAN * span
        self.dwell_s = c.min_dwell_s
        self.min_rep_s, self.max_rep_s = c.rep_s.min, c.rep_s.max
        self.tau_s = c.smoothing_s
        self.count_at_turn = c.count_at == "turn"
        self.phase = Phase.IDLE
        self._primed = False
        self._pre_first = (math.nan, math.nan)
        self._pre_turn_since = math.nan
        #: zone conditions: below start.exit, in turn, past turn.exit, in start, back at the rep's return level
        self._since = [math.nan] * 5
        self._last_move_t = -math.inf
        self._reset_rep()
        self._y = math.nan
        self._t = math.nan

    def set_thresholds(self, th: Thresholds) -> None:
        """Use these thresholds from now on (same direction as the prior's; a zone already held stays held)."""
        s = self.sign
        self.thresholds = th
        self.start_enter, self.start_exit = s * th.start_enter, s * th.start_exit
        self.turn_enter, self.turn_exit = s * th.turn_enter, s * th.turn_exit
        self.partial = s * th.partial

    def _reset_rep(self) -> None:
        self._rest = -math.inf  #: the start position's value (max y while at START)
        self._rep_rest = math.nan  #: the rest the rep in progress left
        self._excursion_since = math.nan  #: while the signal is far from rest but still in the start zone
        self._excursion_peak = math.inf
        self._excursion_peak_t = math.nan
        self._excursion_start_t = math.nan  #: when the excursion in progress first got ``excursion`` from rest
        self._excursed = False
        self._last_start_t = math.nan
        self._rep_start_t = math.nan
        self._turn_t = math.nan
        self._leave_t = math.nan
        self._extreme = math.inf
        self._extreme_t = math.nan
        self._abandoned = False

    def arm(self, t_s: float) -> list[CounterEvent]:
        """Start counting (the ready pose was held): go to START.

        Samples are ignored until the signal is near the start position
        (past ``partial``), so arming in the middle of a movement, or in the
        turn position, never completes a rep the machine did not see begin.
        """
        self._reset_rep()
        self._primed = False
        self._pre_first = (math.nan, math.nan)  #: (t, y) of the first sample before priming
        self._pre_turn_since = math.nan
        self._since = [math.nan] * 5
        self._last_start_t = t_s
        self._start_max = -math.inf
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
    def primed(self) -> bool:
        """Armed and following the signal (it has been near the start position, or is mid-rep)."""
        return self._primed and self.phase is not Phase.IDLE

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
                return self._mid_rep(t_s, y)
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
            back = target is Phase.START and self.phase is Phase.RETURN
            since = self._since[4] if back else self._since[self._zone_of(target)]
            if t_s - since < self.dwell_s - DWELL_EPS_S:
                break
            # the move happened when its condition started holding (not when the dwell confirmed it)
            out += self._transition(target, max(since, self._last_move_t))
        if self.phase is Phase.START:
            if y >= self.start_enter:
                self._last_start_t = t_s
            self._start_max = max(self._start_max, y)
            out += self._small_excursion(t_s, y)
        if self.phase in (Phase.AWAY, Phase.TURN, Phase.RETURN) and y < self._extreme:
            self._extreme, self._extreme_t = y, t_s
        return out

    def _mid_rep(self, t_s: float, y: float) -> list[CounterEvent]:
        """Before priming, away from the start: follow a movement seen going further away (see the module doc)."""
        first_t, first_y = self._pre_first
        if math.isnan(first_t):
            self._pre_first = (t_s, y)
            first_t, first_y = t_s, y
        going = y <= self.partial and first_y - y >= self.turn_exit - self.turn_enter
        if not going:
            self._pre_turn_since = math.nan
            return []
        if math.isnan(self._pre_turn_since):
            self._pre_turn_since = t_s
        if t_s - self._pre_turn_since < self.dwell_s - DWELL_EPS_S:
            return []
        self._primed = True
        self._rep_start_t = first_t
        self._rep_rest = first_y
        self._extreme, self._extreme_t = y, t_s
        self._since = [math.nan] * 5
        self._track_zones(t_s, y)
        return self._go(Phase.AWAY, first_t)

    def _small_excursion(self, t_s: float, y: float) -> list[CounterEvent]:
        """A movement inside a wide start zone, ``excursion`` away from rest and back: a partial rep."""
        if not math.isfinite(self.excursion):
            return []
        self._rest = max(self._rest, y)
        away = self._rest - y
        if away >= self.excursion:
            if y < self._excursion_peak:
                self._excursion_peak, self._excursion_peak_t = y, t_s
            if math.isnan(self._excursion_since):
                self._excursion_since = t_s
            if math.isnan(self._excursion_start_t):
                self._excursion_start_t = t_s
            if t_s - self._excursion_since >= self.dwell_s - DWELL_EPS_S:
                self._excursed = True
            return []
        self._excursion_since = math.nan
        if away > self.excursion / 3:
            return []
        out: list[CounterEvent] = []
        if self._excursed:
            frac = (self._rest - self._excursion_peak) / (self.start_enter - self.turn_enter)
            peak = self.sign * self._excursion_peak
            out.append(PartialRep(t_s, min(max(frac, 0.0), 1.0), self._excursion_start_t, self._excursion_peak_t, peak))
        self._excursed = False
        self._excursion_peak, self._excursion_peak_t, self._excursion_start_t = math.inf, math.nan, math.nan
        return out

    def _track_zones(self, t_s: float, y: float) -> None:
        """Since when each zone condition has held without a break (NaN while it does not hold)."""
        back = y >= self._return_level()
        held = (y < self.start_exit, y <= self.turn_enter, y > self.turn_exit, y >= self.start_enter, back)
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
            if y >= self._return_level():
                return Phase.START
            return Phase.TURN if y <= self.turn_enter else None
        return None

    def _return_level(self) -> float:
        """Where the rep in progress is back at the start: ``start.enter``, or closer to the rep's own
        depth for a rep that left from a lower rest (never past ``start.exit``)."""
        rest, depth = self._rep_rest, self._rep_rest - self._extreme
        if not (math.isfinite(rest) and math.isfinite(depth)):
            return self.start_enter
        return min(self.start_enter, max(self.start_exit, rest - self.return_slack * depth))

    def flush(self, t_s: float) -> list[CounterEvent]:
        """The stream ends: a rep already back at its return level counts without waiting for the dwell."""
        if self.phase is not Phase.RETURN or self.count_at_turn or not math.isfinite(self._y):
            return []
        if self._y < self._return_level():
            return []
        return self._transition(Phase.START, t_s)

    def _transition(self, target: Phase, t_s: float) -> list[CounterEvent]:
        p = self.phase
        out: list[CounterEvent] = []
        if p is Phase.START:
            last_start_t = self._last_start_t
            rest = self._start_max
            self._reset_rep()
            self._rep_rest = rest if math.isfinite(rest) else math.nan
            self._rep_start_t = last_start_t if math.isfinite(last_start_t) else t_s
        elif p is Phase.AWAY and target is Phase.TURN:
            self._turn_t = t_s
        elif p is Phase.AWAY and target is Phase.START:
            # a partial: past `partial`, or (with ``partial_excursion``) that far from its own rest
            far = self._extreme <= self.partial or self._rep_rest - self._extreme >= self.excursion
            if far and not self._abandoned:
                span = self.start_enter - self.turn_enter
                frac = (self.start_enter - self._extreme) / span if span > 0 else math.nan
                start_t = self._rep_start_t if math.isfinite(self._rep_start_t) else t_s
                extreme_t = self._extreme_t if math.isfinite(self._extreme_t) else t_s
                frac = min(max(frac, 0.0), 1.0)
                out.append(PartialRep(t_s, frac, start_t, extreme_t, self.sign * self._extreme))
        elif p is Phase.TURN:
            if self.count_at_turn and not self._abandoned and math.isnan(self._leave_t):
                # a drive counts once it has peaked (the whole drive is in its window), not on the return
                out.append(RepTiming(self._rep_start_t, self._turn_t, t_s, t_s, self.sign * self._extreme))
            self._leave_t = t_s
        elif p is Phase.RETURN and target is Phase.START and not self.count_at_turn:
            duration = t_s - self._rep_start_t
            if not self._abandoned and duration >= self.min_rep_s:
                out.append(RepTiming(self._rep_start_t, self._turn_t, self._leave_t, t_s, self.sign * self._extreme))
        if target is Phase.START:
            self._last_start_t = t_s
            self._start_max = -math.inf
        return out + self._go(target, t_s)
