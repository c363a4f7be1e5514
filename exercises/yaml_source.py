"""YAML files validated against a pydantic model, with errors that point.

Every problem is reported as ``file:line:column: what was expected, what was
found`` (strictyaml-style), duplicate keys are rejected, and an unknown key
gets a "did you mean" from the model's own field names. Only plain YAML data
is accepted (``yaml.SafeLoader``): no tags that build Python objects.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
Loc = tuple[str | int | float, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int  #: 1-based
    column: int  #: 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class SpecError(ValueError):
    """One or more problems in a YAML file; ``str()`` gives one line per problem."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(slots=True)
class _Positions:
    """Where each value (and each mapping key) of the document sits."""

    values: dict[Loc, yaml.Mark]
    keys: dict[Loc, yaml.Mark]


_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
)


def _problem(file: str, mark: yaml.Mark | None, message: str) -> Problem:
    if mark is None:
        return Problem(file, 1, 1, message)
    return Problem(file, mark.line + 1, mark.column + 1, message)


def _build(
    node: yaml.Node, loader: yaml.SafeLoader, loc: Loc, pos: _Positions, file: str, errors: list[Problem]
) -> Any:
    pos.values[loc] = node.start_mark
    if node.tag not in _PLAIN_TAGS:
        raise yaml.MarkedYAMLError(problem_mark=node.start_mark, problem=f"the tag {node.tag!r}")
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolve YAML merge keys (<<)
        out: dict[Any, Any] = {}
        first_seen: dict[Any, yaml.Mark] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                errors.append(_problem(file, key_node.start_mark, f"expected a plain key, found {key!r}"))
                continue
            if key in first_seen:
                first = first_seen[key]
                errors.append(
                    _problem(
                        file,
                        key_node.start_mark,
                        f"expected each key once, found '{key}' again (first at line {first.line + 1}); remove one",
                    )
                )
                continue
            first_seen[key] = key_node.start_mark
            pos.keys[(*loc, key)] = key_node.start_mark
            out[key] = _build(value_node, loader, (*loc, key), pos, file, errors)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loader, (*loc, i), pos, file, errors) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load_yaml(path: Path | str, text: str | None = None) -> tuple[Any, _Positions]:
    """Parse YAML text (read from ``path`` when ``text`` is None) into plain data and positions."""
    file = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError as e:
            raise SpecError(
                [Problem(file, 1, 1, f"expected UTF-8 YAML text, found undecodable bytes ({e.reason})")]
            ) from None
    loader = yaml.SafeLoader(text)
    pos = _Positions({}, {})
    errors: list[Problem] = []
    try:
        root = loader.get_single_node()
        if root is None:
            raise SpecError([Problem(file, 1, 1, "expected a YAML mapping, found an empty file")])
        data = _build(root, loader, (), pos, file, errors)
    except yaml.MarkedYAMLError as e:
        what = e.problem or "invalid YAML"
        ctx = f" {e.context}" if e.context else ""
        expected = "plain YAML data" if what.startswith("the tag") else "valid YAML"
        raise SpecError([_problem(file, e.problem_mark, f"expected {expected}, found {what}{ctx}")]) from None
    except yaml.YAMLError as e:
        raise SpecError([Problem(file, 1, 1, f"expected valid YAML, found {e}")]) from None
    finally:
        loader.dispose()
    if errors:
        raise SpecError(errors)
    return data, pos


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Optional/Union/Annotated/list/dict peeled)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for a in typing.get_args(annotation) for t in _unwrap(a)]
    return [annotation]


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the model that sits at ``loc`` (best effort, for did-you-mean)."""
    candidates: list[Any] = [model]
    for part in loc:
        nxt: list[Any] = []
        for c in candidates:
            origin = typing.get_origin(c)
            if isinstance(c, type) and issubclass(c, BaseModel) and isinstance(part, str) and part in c.model_fields:
                nxt += _unwrap(c.model_fields[part].annotation)
            elif origin in (list, tuple) and isinstance(part, int):
                nxt += [t for a in typing.get_args(c) if a is not Ellipsis for t in _unwrap(a)]
            elif origin is dict:
                args = typing.get_args(c)
                if len(args) == 2:
                    nxt += _unwrap(args[1])
        candidates = nxt
    names: list[str] = []
    for c in candidates:
        if isinstance(c, type) and issubclass(c, BaseModel):
            names += [f.alias or n for n, f in c.model_fields.items()]
    return names


def _nearest(pos: dict[Loc, yaml.Mark], loc: Loc) -> yaml.Mark | None:
    for i in range(len(loc), -1, -1):
        if loc[:i] in pos:
            return pos[loc[:i]]
    return None


def _found(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe(err: Any, model: type[BaseModel]) -> tuple[Loc, bool, str]:
    """(location, at-key?, message) for one pydantic error."""
    loc: Loc = tuple(p for p in err["loc"] if isinstance(p, str | int))
    where = ".".join(str(p) for p in loc) or "document"
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else (f" (allowed: {', '.join(known)})" if known else "")
        return loc, True, f"unknown key '{key}'{hint}"
    if kind == "missing":
        return loc[:-1], False, f"expected key '{loc[-1]}' here, found it missing"
    msg = err["msg"]
    msg = msg[0].lower() + msg[1:] if msg else "invalid value"
    if msg.startswith("value error, "):
        msg = msg[len("value error, ") :]
    if msg.startswith("input should be "):
        msg = "expected " + msg[len("input should be ") :]
    return loc, False, f"{where}: {msg}, found {_found(err.get('input'))}"


def validate(model: type[M], data: Any, pos: _Positions, file: str) -> M:
    """Validate plain data against ``model``; SpecError with positions on failure."""
    try:
        return model.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors(include_url=False):
            loc, at_key, message = _describe(err, model)
            mark = pos.keys.get(loc) if at_key else None
            problems.append(_problem(file, mark or _nearest(pos.values, loc), message))
        problems.sort(key=lambda p: (p.line, p.column))
        raise SpecError(problems) from None


def parse_model(model: type[M], path: Path | str, text: str | None = None) -> M:
    """Load ``path`` (or ``text``, named ``path`` in errors) and validate it as ``model``."""
    data, pos = load_yaml(path, text)
    return validate(model, data, pos, str(path))
