"""A corpus of broken packs (tests/broken_packs), each with its exact messages in expected.txt."""

from __future__ import annotations

from pathlib import Path

import pytest

from levels import check_file

CORPUS = Path(__file__).parent / "broken_packs"
FILES = sorted(p.name for p in CORPUS.glob("*.yaml"))
EXPECTED = (CORPUS / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_the_corpus_has_at_least_thirty_broken_packs() -> None:
    assert len(FILES) >= 30


@pytest.mark.parametrize("name", FILES)
def test_each_broken_pack_gives_exactly_its_expected_messages(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    report = check_file(name)
    want = [line for line in EXPECTED if line.startswith(f"{name}:")]
    assert want, f"{name} has no expected message"
    assert [str(p) for p in report.problems] == want
    assert report.pack is None or not any(p.is_error for p in report.problems)


def test_messages_never_speak_parser_or_python() -> None:
    jargon = ("<block", "tuple", "int_parsing", "pydantic", "levels.0", "stages.0", "NoneType", "Traceback")
    for line in EXPECTED:
        assert not any(j in line for j in jargon), line


def test_a_path_outside_the_pack_is_never_quoted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CORPUS)
    for name in ("path-outside-pack.yaml", "absolute-path.yaml"):
        (problem,) = check_file(name).problems
        assert "passwd" not in str(problem)
        assert "/etc" not in str(problem)
