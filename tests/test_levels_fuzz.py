"""Hostile and random input: only PackError comes out, every message names a line, bombs end at once."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from levels import PackError, check_file, check_text, load_pack
from levels.loader import builtin_pack_path

STARTER = builtin_pack_path("starter").read_text(encoding="utf-8")
LINES = STARTER.splitlines(keepends=True)
TOKENS = [":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/name:os.system", "\t", "  ", "'", '"', "? ", "---\n",
          "<<: *a\n", "0", "-1", "1e9", "null", "~", "yes", "%", "@", "\x00", "\u00e9", "#", "|\n", ">\n"]  # fmt: skip
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _loads_or_pack_error(text: str) -> None:
    problems = []
    try:
        load_pack("fuzz.yaml", text)
    except PackError as e:
        problems = e.problems
        assert problems
    n_lines = text.count("\n") + 2
    for p in problems:
        assert 1 <= p.line <= n_lines, p
        assert p.column >= 1, p
        assert str(p).startswith(f"fuzz.yaml:{p.line}:{p.column}: {p.severity}: ")


@SETTINGS
@given(st.text(max_size=400))
def test_random_text_gives_a_pack_or_a_pack_error(text: str) -> None:
    _loads_or_pack_error(text)


@st.composite
def mutated(draw: st.DrawFn) -> str:
    lines = list(LINES)
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        how = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "swap", "indent"]))
        if how == "delete":
            del lines[i]
        elif how == "duplicate":
            lines.insert(i, lines[i])
        elif how == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif how == "indent":
            lines[i] = " " * draw(st.integers(0, 3)) + lines[i].lstrip(" ")
        else:
            at = draw(st.integers(0, len(lines[i])))
            token = draw(st.sampled_from(TOKENS) | st.text(max_size=5))
            cut = at + (draw(st.integers(0, 4)) if how == "replace" else 0)
            lines[i] = lines[i][:at] + token + lines[i][cut:]
        if not lines:
            lines = ["\n"]
    return "".join(lines)


@SETTINGS
@given(mutated())
def test_mutations_of_a_valid_pack_give_a_pack_or_a_pack_error(text: str) -> None:
    _loads_or_pack_error(text)


plain = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
FIELDS = ["id", "title", "mode", "stages", "stars", "unlock", "camera", "time_limit_s", "boss", "intervals",
          "circuit", "goal", "exercise", "depth", "difficulty", "image"]  # fmt: skip


@SETTINGS
@given(st.sampled_from(FIELDS), plain, st.integers(0, 11))
def test_any_value_in_any_level_field_gives_a_pack_or_a_pack_error(key: str, value: object, index: int) -> None:
    data = yaml.safe_load(STARTER)
    data["levels"][index][key] = value
    _loads_or_pack_error(yaml.safe_dump(data, allow_unicode=True))


def _errors(path: Path) -> list[str]:
    report = check_file(path)
    assert report.pack is None
    assert report.errors
    return [str(p) for p in report.errors]


def test_an_alias_bomb_ends_with_an_error_at_its_line(tmp_path: Path) -> None:
    rows = ["a: &a [" + ", ".join(["lol"] * 9) + "]"]
    rows += [f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]" for p, c in zip("abcdefgh", "bcdefghi", strict=True)]
    path = tmp_path / "bomb.yaml"
    path.write_text("id: bomb\n" + "\n".join(rows) + "\nlevels: *i\n", encoding="utf-8")
    (error,) = _errors(path)
    assert "aliases are expanded" in error
    assert f"{path}:" in error


def test_deep_nesting_ends_with_an_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("levels: " + "[" * 200_000 + "]" * 200_000 + "\n", encoding="utf-8")
    (error,) = _errors(path)
    assert "levels of nesting" in error


def test_deep_block_nesting_ends_with_an_error() -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(5000))
    report = check_text(text, "deep.yaml")
    assert [p.message for p in report.errors] == ["expected at most 32 levels of nesting, found deeper"]


def test_a_ten_megabyte_file_ends_with_an_error_without_being_parsed(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text("id: huge\nlevels:\n" + "  - {id: x, title: y}\n" * 500_000, encoding="utf-8")
    assert path.stat().st_size > 10_000_000
    (error,) = _errors(path)
    assert error == f"{path}:1:1: error: expected a file under 512 KB, found a bigger one; split it into several packs"


def test_binary_ends_with_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"id: x\nlevels:\n  - \x00\x01\x02\xff")
    assert _errors(path) == [f"{path}:3:5: error: expected YAML text, found binary data (a zero byte)"]
    path.write_bytes(b"id: x\ntitle: caf\xe9\n")
    assert _errors(path) == [f"{path}:2:11: error: expected UTF-8 text, found the byte 0xe9; save the file as UTF-8"]
