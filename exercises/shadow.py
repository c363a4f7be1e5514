"""Counting before the ready pose: shadow counters that follow the player from the first frame.

A stream may start mid-set, or be a 2 s clip of one rep; waiting for the
ready pose would then lose reps. The shadow counters run while the player is
seen from a valid view in a valid posture (a dropout shorter than the grace
time keeps them going). The reps and partials they see are kept until the
engine becomes ready and credits them, or dropped when the player leaves,
breaks the posture or turns away for the grace time.
"""

from __future__ import annotations

from exercises.counter import RepCounter, RepTiming
from exercises.events import PartialRep, Phase
from exercises.gates import Debounced
from exercises.spec import Counting

#: what a shadow saw, in time order: (counter index, the rep's timing or the partial)
Seen = list[tuple[int, RepTiming | PartialRep]]


class ShadowCounters:
    """One shadow :class:`RepCounter` per engine counter, and what they saw before the ready pose."""

    def __init__(self, counting: Counting | None, return_slack: float, n_counters: int, grace_s: float) -> None:
        self.counters = [RepCounter(counting, return_slack) for _ in range(n_counters)] if counting else []
        self._posture = Debounced(grace_s)
        self._reps: list[tuple[int, RepTiming]] = []
        self._partials: list[tuple[int, PartialRep]] = []

    @property
    def primed(self) -> bool:
        """Whether any shadow is following a movement (the analysis reports the engine as counting)."""
        return any(sh.primed for sh in self.counters)

    @property
    def saw_rep(self) -> bool:
        return bool(self._reps)

    def reset_posture(self) -> None:
        self._posture.reset()

    def step(self, t_s: float, counted: list[float], ok: bool) -> bool:
        """Feed one frame's counted values; True when a whole rep has been seen (the engine becomes ready)."""
        if not self.counters:
            return False
        if not self._posture.update(t_s, ok):
            for sh in self.counters:
                if sh.phase is not Phase.IDLE:
                    sh.disarm(t_s)
            self._reps.clear()
            self._partials.clear()
            return False
        if not ok:
            return False
        for k, (sh, value) in enumerate(zip(self.counters, counted, strict=True)):
            if sh.phase is Phase.IDLE:
                sh.arm(t_s)
            for e in sh.update(t_s, value):
                if isinstance(e, RepTiming):
                    self._reps.append((k, e))
                elif isinstance(e, PartialRep):
                    self._partials.append((k, e))
        return self.saw_rep

    def flush(self, t_s: float) -> bool:
        """The stream ended: a rep already back at the start counts; True when any rep was seen."""
        for k, sh in enumerate(self.counters):
            self._reps += [(k, e) for e in sh.flush(t_s) if isinstance(e, RepTiming)]
        return self.saw_rep

    def take_seen(self) -> Seen:
        """The reps and partials seen so far, in time order, to credit; the shadows forget them."""
        seen: list[tuple[float, int, RepTiming | PartialRep]] = [(r.end_t_s, k, r) for k, r in self._reps]
        seen += [(p.t_s, k, p) for k, p in self._partials]
        self._reps.clear()
        self._partials.clear()
        return [(k, ev) for _, k, ev in sorted(seen, key=lambda s: s[0])]

    def hand_over(self, k: int, counter: RepCounter, t_s: float) -> RepCounter:
        """The counter to count with from now on: shadow ``k`` when it is mid-movement (it carries on
        from where it is), else ``counter``; the shadow slot gets the other one, disarmed."""
        sh = self.counters[k]
        if sh.phase is not Phase.IDLE:
            self.counters[k], counter = counter, sh
        self.counters[k].disarm(t_s)
        return counter
