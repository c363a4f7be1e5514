"""YAML errors name file, line and column, what was expected and what was found."""

from __future__ import annotations

from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from exercises.yaml_source import SpecError, parse_model


class Goal(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reps: int = Field(gt=0)


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    exercise: str
    goal: Goal
    view: Literal["front", "side"] = "front"


class Pack(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    levels: list[Level]


GOOD = """\
name: Starter
levels:
  - id: one
    exercise: squat
    goal: {reps: 10}
"""


def _error(text: str) -> str:
    with pytest.raises(SpecError) as info:
        parse_model(Pack, "pack.yaml", text)
    return str(info.value)


def test_valid_document_loads() -> None:
    pack = parse_model(Pack, "pack.yaml", GOOD)
    assert pack.levels[0].goal.reps == 10


def test_wrong_type_points_at_value() -> None:
    msg = _error(GOOD.replace("{reps: 10}", "{reps: ten}"))
    assert msg.startswith("pack.yaml:5:18: levels.0.goal.reps: expected a valid integer")
    assert "found 'ten'" in msg


def test_unknown_key_suggests_the_close_one() -> None:
    msg = _error(GOOD.replace("    exercise:", "    exercize:"))
    assert "pack.yaml:4:5: unknown key 'exercize'; did you mean 'exercise'?" in msg.splitlines()


def test_missing_key_points_at_its_mapping() -> None:
    msg = _error("levels: []\n")
    assert msg == "pack.yaml:1:1: expected key 'name' here, found it missing"


def test_duplicate_key_is_rejected_with_both_lines() -> None:
    msg = _error(GOOD + "name: Again\n")
    assert msg == "pack.yaml:6:1: expected each key once, found 'name' again (first at line 1); remove one"


def test_syntax_error_has_position() -> None:
    msg = _error("name: [unclosed\n")
    assert msg.startswith("pack.yaml:2:1: expected valid YAML")


def test_empty_file() -> None:
    assert _error("") == "pack.yaml:1:1: expected a YAML mapping, found an empty file"


def test_python_tags_are_refused() -> None:
    msg = _error("name: !!python/object/apply:os.system ['true']\nlevels: []\n")
    assert msg.startswith("pack.yaml:1:7: expected plain YAML data, found the tag")


def test_literal_error_lists_choices() -> None:
    msg = _error(GOOD + "    view: top\n")
    assert msg.startswith("pack.yaml:6:11: levels.0.view: expected 'front' or 'side', found 'top'")


def test_several_problems_are_all_reported_in_file_order() -> None:
    msg = _error(GOOD.replace("{reps: 10}", "{reps: -1}").replace("id: one", "id: one\n    colour: red"))
    lines = msg.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("pack.yaml:4:5: unknown key 'colour' (allowed: id, exercise, goal, view)")
    assert lines[1].startswith("pack.yaml:6:18: levels.0.goal.reps: expected greater than 0, found -1")
