"""The level-pack schema: a plain pydantic value, validated with positions.

A pack is a YAML file::

    id: starter
    name: Starter Pack
    levels:
      - id: first-squats
        title: First squats
        exercise: squat
        goal: {reps: 5, time_limit_s: 60}
        stars: [200, 350, 450]
        unlock: {after: null}

A pack may add exercises with ``exercises: [toe_tap.yaml]`` (files in the
exercise format, relative to the pack file).

Unknown keys are rejected (``extra="forbid"``) so typos never pass silently.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Ident = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Goal(_Strict):
    """What finishes a level: a number of reps, or seconds held in form; optionally a time limit."""

    reps: int | None = Field(default=None, gt=0, le=1000)
    hold_s: float | None = Field(default=None, gt=0, le=3600)
    time_limit_s: float | None = Field(default=None, gt=0, le=3600)

    @model_validator(mode="after")
    def _one_kind(self) -> Goal:
        if (self.reps is None) == (self.hold_s is None):
            raise ValueError("expected exactly one of 'reps' or 'hold_s'")
        return self

    def describe(self) -> str:
        """E.g. ``"10 reps in 60 s"`` or ``"hold 30 s"``."""
        what = f"{self.reps} reps" if self.reps is not None else f"hold {self.hold_s:g} s"
        return what + (f" in {self.time_limit_s:g} s" if self.time_limit_s is not None else "")


class Unlock(_Strict):
    """A level opens once level ``after`` (earlier in the pack) was finished with ``stars`` stars."""

    after: Ident | None = None
    stars: int = Field(default=1, ge=0, le=3)


class Level(_Strict):
    id: Ident
    title: str = Field(min_length=1, max_length=60)
    exercise: str = Field(min_length=1, description="a name from the exercise library, e.g. 'squat'")
    goal: Goal
    #: points needed for 1, 2 and 3 stars (finishing the goal is needed for any star)
    stars: tuple[int, int, int] = (100, 200, 300)  #: rising; checked by the loader
    unlock: Unlock = Unlock()
    view: Literal["front", "side", "any"] = "any"
    description: str = ""


class Pack(_Strict):
    id: Ident
    name: str = Field(min_length=1, max_length=60)
    description: str = ""
    #: exercise YAML files this pack adds to the library (docs/exercise-format.md), relative to the pack
    #: file; the loader replaces them with absolute paths
    exercises: list[str] = []
    levels: list[Level] = Field(min_length=1)
