"""`levels schema` is JSON Schema that accepts every built-in pack; `levels new` writes a pack that validates."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from game.cli import main
from levels.authoring import schema_text
from levels.loader import BUILTIN_PACKS, builtin_pack_path
from levels.schema import MODELINE, json_schema


def _validator() -> jsonschema.protocols.Validator:
    schema = json_schema()
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_levels_schema_prints_valid_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["required"] == ["id", "levels"]


def test_the_schema_accepts_every_builtin_pack() -> None:
    validator = _validator()
    for name in BUILTIN_PACKS:
        data = yaml.safe_load(builtin_pack_path(name).read_text(encoding="utf-8"))
        assert list(validator.iter_errors(data)) == [], name


def test_the_schema_rejects_a_misspelt_key() -> None:
    data = yaml.safe_load(builtin_pack_path("starter").read_text(encoding="utf-8"))
    data["levels"][0]["stages"][0]["goal"] = {"repz": 5}
    errors = list(_validator().iter_errors(data))
    assert any("repz" in e.message for e in errors)


def test_the_shipped_schema_file_is_the_current_schema() -> None:
    shipped = builtin_pack_path("starter").parent / "pack.schema.json"
    assert shipped.read_text(encoding="utf-8") == schema_text()


def test_levels_new_writes_a_starter_that_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    assert main(["levels", "new", "demo"]) == 0
    text = (tmp_path / "demo.yaml").read_text(encoding="utf-8")
    assert text.startswith(MODELINE + "\n")
    assert json.loads((tmp_path / "pack.schema.json").read_text(encoding="utf-8")) == json_schema()
    capsys.readouterr()
    assert main(["levels", "validate", "demo.yaml"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("demo.yaml: ok, pack 'demo' with 3 levels")
    assert err == ""
    assert list(_validator().iter_errors(yaml.safe_load(text))) == []
    assert main(["levels", "new", "demo"]) == 2  # never overwrites


def test_the_annotated_example_in_the_docs_validates(tmp_path: Path) -> None:
    import re
    from importlib import resources

    from levels import check_file

    doc = (Path(__file__).resolve().parents[1] / "docs" / "level-format.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert block is not None
    squat = (resources.files("exercises") / "library" / "squat.yaml").read_text(encoding="utf-8")
    for name in ("calf_raise", "toe_tap"):
        (tmp_path / f"{name}.yaml").write_text(squat.replace("name: squat", f"name: {name}", 1), encoding="utf-8")
    (tmp_path / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "legs-day.yaml").write_text(block.group(1), encoding="utf-8")
    report = check_file(tmp_path / "legs-day.yaml")
    assert [str(p) for p in report.problems] == []
    assert report.pack is not None
    assert [lv.mode for lv in report.pack.levels] == ["classic", "timed", "circuit", "intervals", "intervals", "boss"]
    assert jsonschema.validators.validator_for(json_schema())(json_schema()).is_valid(yaml.safe_load(block.group(1)))
