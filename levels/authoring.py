"""Authoring helpers: a commented starter pack (``levels new``) and the JSON Schema file editors use."""

from __future__ import annotations

import json
from pathlib import Path

from levels.schema import MODELINE, SCHEMA_FILE, json_schema
from levels.types import slug

STARTER = """\
{modeline}
# A RepQuest level pack. Check it with:   repquest levels validate {file}
# Play it with:                          repquest play --pack {file} --watch
# The format, with every key explained: docs/level-format.md
# (The line above lets VS Code's YAML extension complete and check this file.)
format: 1                      # the pack format this file is written for
id: {id}                       # lowercase letters, digits, '-' and '_'
title: {title}
version: 0.1.0
author: Your Name
description: What this pack is for, in one line.
difficulty: beginner           # beginner, intermediate or advanced

# Exercises of your own, in the exercise format (docs/exercise-format.md), next to this file:
# exercises:
#   - file: calf_raise.yaml
#     demo: squat              # the synthetic avatar plays it with this motion

levels:
  # classic: the stages in order. Goals: reps, good_reps (+ min_score), hold_s, amrap_s.
  - id: warm-up
    title: Warm-up
    description: Ten squats, then a 20-second plank.
    camera: {{view: any}}        # front, side or any
    stages:
      - exercise: squat
        goal: {{reps: 10}}
        rest_s: 15               # rest after this stage
      - exercise: plank
        goal: {{hold_s: 20}}
    stars: [800, 1200, 1500]     # points for 1, 2 and 3 stars

  # circuit: rounds of stations, each station's rest_s after it and circuit.rest_s between rounds.
  - id: legs-circuit
    title: Legs Circuit
    mode: circuit
    circuit: {{rounds: 2, rest_s: 30}}
    stages:
      - exercise: lunge
        goal: {{good_reps: 6, min_score: 70}}
        rest_s: 10
      - exercise: glute_bridge
        goal: {{reps: 10}}
    stars: [1500, 2500, 3000]
    unlock: {{after: warm-up, stars: 1}}   # opens after 1 star in warm-up

  # intervals: Tabata-style work_s / rest_s rounds (or every_s for EMOM, with a goal per round).
  - id: tabata
    title: Tabata Jacks
    mode: intervals
    intervals: {{rounds: 8, work_s: 20, rest_s: 10}}
    stages:
      - exercise: jumping_jack
    stars: [4000, 6000, 8000]
    unlock: {{after: legs-circuit}}

  # Also: mode: timed (beat time_limit_s) and mode: boss (see docs/level-format.md).
"""


def new_pack_text(name: str, file: str) -> str:
    pack_id = slug(Path(name).stem)
    title = Path(name).stem.replace("-", " ").replace("_", " ").strip().title() or "My Pack"
    return STARTER.format(modeline=MODELINE, file=file, id=pack_id, title=title)


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=False) + "\n"


def write_new_pack(name: str) -> tuple[Path, Path | None]:
    """Write ``NAME.yaml`` (and ``pack.schema.json`` beside it when missing); FileExistsError when taken."""
    path = Path(name if name.endswith((".yaml", ".yml")) else f"{name}.yaml")
    if path.exists():
        raise FileExistsError(f"{path} already exists; choose another name")
    path.write_text(new_pack_text(path.name, str(path)), encoding="utf-8")
    schema = path.parent / SCHEMA_FILE
    if schema.exists():
        return path, None
    schema.write_text(schema_text(), encoding="utf-8")
    return path, schema
