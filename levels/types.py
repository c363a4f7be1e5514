"""A small schema language: each type checks plain YAML data and describes itself as JSON Schema.

Messages are written for a pack's author: what was expected, what was found,
where (``level 'warm-up', stage 2``) and how to fix it, never a Python type name
or a 0-based index. A check never raises on bad data: it records a problem
and returns :data:`BAD`, so one bad value never hides the next one's problem.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from levels.problems import Problem, Severity
from levels.safe_yaml import Loc, Positions


class _Bad:
    def __repr__(self) -> str:
        return "BAD"


BAD: Any = _Bad()


def found(value: Any) -> str:
    """How a found value is named in a message."""
    if isinstance(value, dict):
        return "a mapping (key: value lines)" if value else "an empty mapping {}"
    if isinstance(value, list):
        return "a list" if value else "an empty list []"
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"'{text}'" if value else "an empty text ''"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return f"{value:g}"
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def did_you_mean(word: str, known: Sequence[str], listed: bool = True) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    if listed and known and len(known) <= 16:
        return "use one of " + ", ".join(f"'{k}'" for k in known)
    return ""


@dataclass
class Ctx:
    """Where checking happens: the file, the positions, the problems so far, and how to name a place."""

    file: str
    pos: Positions
    problems: list[Problem] = field(default_factory=list)
    #: turns a location into "level 'warm-up', stage 2" (set by the checker)
    place: Callable[[Loc], str] = lambda loc: ""

    def report(
        self, loc: Loc, message: str, hint: str = "", *, key: bool = False, severity: Severity = "error"
    ) -> None:
        line, col = self.pos.at(loc, key=key)
        where = self.place(loc)
        if where:
            message = f"{message} ({where})"
        self.problems.append(Problem(self.file, line, col, severity, message, hint))

    def warn(self, loc: Loc, message: str, hint: str = "") -> None:
        self.report(loc, message, hint, severity="warning")


def _name(loc: Loc) -> str:
    key = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if loc and isinstance(loc[-1], int) and key:
        return f"each entry of '{key}'"
    return f"'{key}'" if key else "the value"


class Type:
    what = "a value"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def wrong(self, value: Any, loc: Loc, ctx: Ctx, hint: str = "") -> Any:
        ctx.report(loc, f"expected {_name(loc)} to be {self.what}, found {found(value)}", hint)
        return BAD


@dataclass
class Str(Type):
    min_len: int = 1
    max_len: int = 200
    pattern: str | None = None
    what: str = "a text"
    hint: Callable[[str], str] | None = None
    description: str = ""

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if isinstance(value, bool) or value is None or isinstance(value, dict | list):
            return self.wrong(value, loc, ctx)
        if not isinstance(value, str):
            value = found(value)  # a number where a text is expected: take it as written (e.g. a title '2048')
        if not self.min_len <= len(value) <= self.max_len:
            size = f"{self.min_len} to {self.max_len} characters" if self.min_len else f"at most {self.max_len}"
            ctx.report(loc, f"expected {_name(loc)} to have {size}, found {len(value)}")
            return BAD
        if self.pattern is not None and not re.fullmatch(self.pattern, value):
            return self.wrong(value, loc, ctx, self.hint(value) if self.hint else "")
        return value

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "string", "minLength": self.min_len, "maxLength": self.max_len}
        if self.pattern:
            out["pattern"] = f"^{self.pattern}$"
        if self.description:
            out["description"] = self.description
        return out


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9_-]+", "-", text.strip().lower()).strip("-_") or "my-level"


ID_PATTERN = r"[a-z0-9][a-z0-9_-]{0,63}"


def Id(description: str = "") -> Str:  # noqa: N802 - reads like a type
    return Str(1, 64, ID_PATTERN, "an id: lowercase letters, digits, '-' and '_'",
               lambda v: f"write it as '{slug(v)}'", description)  # fmt: skip


@dataclass
class Num(Type):
    lo: float = 0.0
    hi: float = 3600.0
    whole: bool = False
    lo_open: bool = False  #: lo itself is not allowed
    unit: str = ""
    description: str = ""

    @property
    def what(self) -> str:  # type: ignore[override]
        kind = "a whole number" if self.whole else "a number"
        lo = f"above {self.lo:g}" if self.lo_open else f"from {self.lo:g}"
        unit = f" {self.unit}" if self.unit else ""
        return f"{kind} {lo} to {self.hi:g}{unit}"

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if isinstance(value, bool) or not isinstance(value, int | float):
            hint = ""
            if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*(s|sec|seconds|m|reps?|%)\s*", value):
                hint = "write the number alone (the unit is in the key's name)"
            return self.wrong(value, loc, ctx, hint)
        if not math.isfinite(value):
            return self.wrong(value, loc, ctx)
        if self.whole and not float(value).is_integer():
            return self.wrong(value, loc, ctx)
        if value < self.lo or value > self.hi or (self.lo_open and value == self.lo):
            return self.wrong(value, loc, ctx)
        return int(value) if self.whole else float(value)

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer" if self.whole else "number", "maximum": self.hi}
        out["exclusiveMinimum" if self.lo_open else "minimum"] = self.lo
        if self.description:
            out["description"] = self.description
        return out


def Int(lo: int, hi: int, description: str = "") -> Num:  # noqa: N802
    return Num(lo, hi, whole=True, description=description)


def Seconds(lo: float = 0.0, hi: float = 3600.0, lo_open: bool = True, description: str = "") -> Num:  # noqa: N802
    return Num(lo, hi, lo_open=lo_open, unit="seconds", description=description)


@dataclass
class Bool(Type):
    what: str = "true or false"
    description: str = ""

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        return value if isinstance(value, bool) else self.wrong(value, loc, ctx)

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean", **({"description": self.description} if self.description else {})}


@dataclass
class Enum(Type):
    choices: tuple[str, ...] = ()
    description: str = ""

    @property
    def what(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(f"'{c}'" for c in self.choices)

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if isinstance(value, str) and value in self.choices:
            return value
        if isinstance(value, str):
            ctx.report(loc, f"expected {_name(loc)} to be {self.what}, found {found(value)}",
                       did_you_mean(value.lower(), self.choices, listed=False))  # fmt: skip
            return BAD
        return self.wrong(value, loc, ctx)

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices), **({"description": self.description} if self.description else {})}


@dataclass
class ListOf(Type):
    item: Type = field(default_factory=Type)
    min_items: int = 0
    max_items: int = 1000
    single: bool = False  #: a lone item is accepted as a list of one
    what: str = "a list"
    description: str = ""

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if self.single and not isinstance(value, list) and value is not None:
            value = [value]
        if not isinstance(value, list):
            return self.wrong(value, loc, ctx, "write '- item' lines, or [a, b]")
        if not self.min_items <= len(value) <= self.max_items:
            need = f"at least {self.min_items}" if len(value) < self.min_items else f"at most {self.max_items}"
            if self.min_items == self.max_items:
                need = f"exactly {self.min_items}"
            ctx.report(loc, f"expected {_name(loc)} to have {need} entries, found {len(value)}")
            return BAD
        return [self.item.check(v, (*loc, i), ctx) for i, v in enumerate(value)]

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.schema(), "minItems": self.min_items,
                               "maxItems": self.max_items}  # fmt: skip
        if self.description:
            out["description"] = self.description
        if self.single:
            out = {"anyOf": [self.item.schema(), out]}
        return out


@dataclass
class Either(Type):
    """A text (e.g. a file name) or a mapping with more detail."""

    text: Type = field(default_factory=Type)
    obj: Type = field(default_factory=Type)

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        return self.obj.check(value, loc, ctx) if isinstance(value, dict) else self.text.check(value, loc, ctx)

    def schema(self) -> dict[str, Any]:
        return {"anyOf": [self.text.schema(), self.obj.schema()]}


@dataclass
class Field:
    type: Type
    required: bool = False
    doc: str = ""
    legacy: bool = False  #: an old key, still read


@dataclass
class Obj(Type):
    fields: dict[str, Field] = field(default_factory=dict)
    what: str = "a mapping"
    description: str = ""

    def check(self, value: Any, loc: Loc, ctx: Ctx) -> Any:
        if not isinstance(value, dict):
            return self.wrong(value, loc, ctx, "write 'key: value' lines under it")
        out: dict[str, Any] = {}
        known = [k for k, f in self.fields.items() if not f.legacy]
        meant: set[str] = set()  #: keys an unknown key probably meant (not reported missing again)
        for key, v in value.items():
            f = self.fields.get(key) if isinstance(key, str) else None
            if f is None:
                k = str(key)
                hint = did_you_mean(k, known)
                if hint.startswith("did you mean"):
                    meant.add(hint.split("'")[1])
                ctx.report((*loc, key), f"expected a known key here, found '{k}'", hint or "remove it", key=True)
                continue
            out[key] = f.type.check(v, (*loc, key), ctx)
        for key, f in self.fields.items():
            if f.required and key not in value and key not in meant:
                ctx.report(loc, f"expected the key '{key}' in {self.what}, found it missing",
                           f"add '{key}:' ({f.doc})" if f.doc else f"add '{key}:'")  # fmt: skip
        return out

    def schema(self) -> dict[str, Any]:
        props = {}
        for k, f in self.fields.items():
            s = dict(f.type.schema())
            if f.doc and "description" not in s:
                s["description"] = f.doc
            if f.legacy:
                s["deprecated"] = True
            props[k] = s
        out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
        required = [k for k, f in self.fields.items() if f.required]
        if required:
            out["required"] = required
        if self.description:
            out["description"] = self.description
        return out
