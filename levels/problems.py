"""Problems found in a pack, reported like a compiler: ``file:line:column: severity: expected ..., found ...``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from exercises.yaml_source import SpecError

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int  #: 1-based
    column: int  #: 1-based
    severity: Severity
    message: str  #: "expected ..., found ..." in the author's words
    hint: str = ""  #: how to fix it, or "did you mean 'squat'?"

    def __str__(self) -> str:
        hint = f"; {self.hint}" if self.hint else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}{hint}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def ordered(problems: list[Problem]) -> list[Problem]:
    """By file, line and column (a stable sort: problems at one place keep their order)."""
    return sorted(problems, key=lambda p: (p.file, p.line, p.column))


class PackError(SpecError):
    """A pack (or exercise file) with errors; ``problems`` holds every error and warning found, in order.

    A subclass of the exercise loader's ``SpecError``, so code catching that catches this too."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems: list[Problem] = ordered(problems)  # type: ignore[assignment]
        ValueError.__init__(self, "\n".join(str(p) for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]
