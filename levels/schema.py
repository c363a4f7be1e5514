"""The level-pack schema: one plain value (:data:`PACK`) that checks packs and is exported as JSON Schema.

``repquest levels schema`` prints :func:`json_schema`; editors use it through the
modeline ``# yaml-language-server: $schema=pack.schema.json`` at the top of a
pack. The format is documented with an annotated example in
``docs/level-format.md``.
"""

from __future__ import annotations

from typing import Any

from levels.model import FORMAT_VERSION, MODES, Goal, Level, Pack, Unlock
from levels.types import Either, Enum, Field, Id, Int, ListOf, Num, Obj, Seconds, Str

SCHEMA_ID = "https://repquest.invalid/schema/pack-v1.json"
SCHEMA_FILE = "pack.schema.json"
MODELINE = f"# yaml-language-server: $schema={SCHEMA_FILE}"

REPS = Int(1, 1000)
GOAL_FIELDS = {
    "reps": Field(REPS, doc="finish after this many reps"),
    "good_reps": Field(REPS, doc="finish after this many reps scoring at least min_score"),
    "min_score": Field(Num(0, 100), doc="form score (0-100) a rep needs to count for good_reps (default 70)"),
    "hold_s": Field(Seconds(), doc="finish after holding the position in form this many seconds"),
    "amrap_s": Field(Seconds(), doc="as many reps as possible in this many seconds; the stage ends with the time"),
}
GOAL = Obj(dict(GOAL_FIELDS), "a goal",
           "exactly one of reps, good_reps (with min_score), hold_s or amrap_s")  # fmt: skip
OLD_GOAL = Obj({**GOAL_FIELDS, "time_limit_s": Field(Seconds(), doc="the level's time limit")}, "a goal")

STAGE = Obj(
    {
        "exercise": Field(Str(1, 48, what="an exercise name"), True, "an exercise from the library or the pack"),
        "goal": Field(GOAL, doc="when the stage is done (not needed in Tabata-style intervals)"),
        "time_limit_s": Field(Seconds(), doc="the stage fails the level when this runs out (boss: next attack)"),
        "rest_s": Field(Seconds(0, 600, lo_open=False), doc="rest after this stage"),
        "title": Field(Str(1, 60), doc="a name for the stage (default: the exercise)"),
    },
    "a stage",
)

CAMERA = Obj(
    {
        "view": Field(Enum(choices=("front", "side", "any")), doc="where the camera should stand"),
        "distance_m": Field(Num(0.5, 8.0, unit="m"), doc="how far from the camera to stand"),
    },
    "a camera hint",
)

UNLOCK = Obj(
    {
        "after": Field(ListOf(Id(), 0, 50, single=True), doc="level id(s) that must be finished first"),
        "stars": Field(Int(0, 3), doc="stars needed in each 'after' level (default 1)"),
        "pack_stars": Field(Int(0, 3000), doc="stars needed in the whole pack"),
    },
    "an unlock rule",
)

CIRCUIT = Obj(
    {
        "rounds": Field(Int(1, 50), doc="times through the stations (default 1)"),
        "rest_s": Field(Seconds(0, 600, lo_open=False), doc="rest between rounds"),
    },
    "a circuit",
)

INTERVALS = Obj(
    {
        "rounds": Field(Int(1, 100), doc="number of work intervals (Tabata: 8)"),
        "work_s": Field(Seconds(), doc="work seconds per round (Tabata: 20)"),
        "rest_s": Field(Seconds(0, 600, lo_open=False), doc="rest seconds per round (Tabata: 10)"),
        "every_s": Field(Seconds(), doc="EMOM: do the stage's goal every this many seconds (60: every minute)"),
    },
    "intervals",
)

BOSS = Obj(
    {
        "name": Field(Str(1, 40), doc="the boss's name"),
        "health": Field(Num(1, 1_000_000, lo_open=False), True, "hit points; good reps deal their points as damage"),
        "heal_per_bad_rep": Field(Num(0, 100_000), doc="health a bad rep gives back (default 30)"),
        "special_charge_s": Field(Seconds(), doc="seconds held in form that charge the special attack (default 10)"),
        "special_damage": Field(Num(0, 1_000_000), doc="damage of the special attack (default 250)"),
    },
    "a boss",
)

STARS = ListOf(Int(0, 1_000_000), 3, 3, what="three point thresholds [1 star, 2 stars, 3 stars]")

LEVEL = Obj(
    {
        "id": Field(Id(), True, "a unique id, e.g. warm-up"),
        "title": Field(Str(1, 60), True, "the name shown in the game"),
        "description": Field(Str(0, 500)),
        "difficulty": Field(Int(1, 5), doc="1 (easiest) to 5"),
        "mode": Field(Enum(choices=MODES), doc="classic (default), timed, circuit, intervals or boss"),
        "camera": Field(CAMERA),
        "depth": Field(
            Enum(choices=("none", "improves", "required")),
            doc="does a depth camera matter: none (default), improves, required",
        ),
        "time_limit_s": Field(Seconds(), doc="the whole level's clock (timed and boss levels need one)"),
        "stages": Field(ListOf(STAGE, 1, 50), doc="the exercises of the level, each with a goal"),
        "stars": Field(STARS, doc="points for 1, 2 and 3 stars (default [100, 200, 300])"),
        "unlock": Field(UNLOCK),
        "circuit": Field(CIRCUIT, doc="settings of a circuit level"),
        "intervals": Field(INTERVALS, doc="settings of an intervals level"),
        "boss": Field(BOSS, doc="the boss of a boss level"),
        "image": Field(Str(1, 200), doc="a picture file in the pack's folder"),
        # the old single-goal form (one exercise, one goal)
        "exercise": Field(Str(1, 48, what="an exercise name"), doc="old form: the level's one exercise", legacy=True),
        "goal": Field(OLD_GOAL, doc="old form: the level's one goal", legacy=True),
        "view": Field(Enum(choices=("front", "side", "any")), doc="old form of camera.view", legacy=True),
    },
    "a level",
)

PACK_EXERCISE = Obj(
    {
        "file": Field(Str(1, 200), True, "an exercise YAML file in the pack's folder"),
        "demo": Field(
            Str(1, 48, what="a motion of the synthetic avatar"),
            doc="the synthetic avatar's motion that performs it in the demo, e.g. squat",
        ),
    },
    "a pack exercise",
)

PACK = Obj(
    {
        "format": Field(Int(1, 1000), doc=f"the pack format version the pack needs (this RepQuest: {FORMAT_VERSION})"),
        "id": Field(Id(), True, "a unique pack id, e.g. legs-day"),
        "title": Field(Str(1, 60), doc="the pack's name in the game"),
        "version": Field(Str(1, 20, r"\d+(\.\d+){0,2}", "a version such as 1.0.0"), doc="the pack's own version"),
        "author": Field(Str(1, 80)),
        "description": Field(Str(0, 1000)),
        "difficulty": Field(Enum(choices=("beginner", "intermediate", "advanced"))),
        "image": Field(Str(1, 200), doc="a cover picture in the pack's folder"),
        "exercises": Field(
            ListOf(Either(Str(1, 200), PACK_EXERCISE), 0, 50),
            doc="exercise files this pack adds (docs/exercise-format.md)",
        ),
        "levels": Field(ListOf(LEVEL, 1, 500), True, "the levels, in the order they are shown"),
        "name": Field(Str(1, 60), doc="old name of 'title'", legacy=True),
    },
    "the pack",
)


def json_schema() -> dict[str, Any]:
    """The pack format as JSON Schema (draft 2020-12) for editors and other tools."""
    schema = PACK.schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "RepQuest level pack",
        **schema,
    }


#: the model is re-exported for code that imported it from here
__all__ = ["LEVEL", "MODELINE", "PACK", "SCHEMA_FILE", "Goal", "Level", "Pack", "Unlock", "json_schema"]
