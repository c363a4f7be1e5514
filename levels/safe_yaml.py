"""Safe YAML for files from strangers: plain data only, with limits that make a bomb fail in milliseconds.

The document is built from the parser's event stream (libyaml when present),
never by PyYAML's recursive composer, so that:

- only plain data is accepted (mappings, lists, strings, numbers, booleans,
  null); any tag (``!!python/object``, ``!include``, ``!!binary``) is refused;
- nesting deeper than :data:`MAX_DEPTH` stops at the line where it happens;
- aliases are counted and the size of what they expand to is tracked: more
  than :data:`MAX_ALIASES` aliases, or more than :data:`MAX_VALUES` values once
  expanded (a "billion laughs"), stops at the alias;
- a file over :data:`MAX_BYTES` is refused before it is parsed, and binary
  (a NUL byte, or bytes that are not UTF-8) is refused with its position;
- duplicate keys are reported (every one, with the first one's line);
- parser messages are rewritten in plain words.

Positions of every value and every key are returned (1-based line, column).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from levels.problems import PackError, Problem

MAX_BYTES = 512 * 1024
MAX_DEPTH = 32
MAX_ALIASES = 256
MAX_VALUES = 200_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_CONTAINER_TAGS = {None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}

Loc = tuple[str | int, ...]
Pos = tuple[int, int]


@dataclass(slots=True)
class Positions:
    """Where each value (by its location in the document) and each mapping key sits."""

    values: dict[Loc, Pos] = field(default_factory=dict)
    keys: dict[Loc, Pos] = field(default_factory=dict)

    def at(self, loc: Loc, key: bool = False) -> Pos:
        """The position of ``loc`` (its key when ``key``), or of its nearest parent that has one."""
        if key and loc in self.keys:
            return self.keys[loc]
        for i in range(len(loc), -1, -1):
            p = self.values.get(loc[:i])
            if p is not None:
                return p
        return (1, 1)


def _pos(mark: Any) -> Pos:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _fail(file: str, pos: Pos, message: str, hint: str = "") -> PackError:
    return PackError([Problem(file, pos[0], pos[1], "error", message, hint)])


def read_text(path: Path, file: str, what: str = "a level pack") -> str:
    """The file's text, refused without reading past :data:`MAX_BYTES` when it is larger or not text."""
    if not path.is_file():
        found = "a folder" if path.is_dir() else "nothing there"
        raise _fail(file, (1, 1), f"expected {what} YAML file, found {found}")
    with path.open("rb") as f:
        data = f.read(MAX_BYTES + 1)
    return decode(data, file)


def decode(data: bytes, file: str) -> str:
    """UTF-8 text from bytes, or a one-problem :class:`PackError` naming the line of the bad byte."""
    if len(data) > MAX_BYTES:
        raise _fail(
            file, (1, 1), f"expected a file under {MAX_BYTES // 1024} KB, found a bigger one",
            "split it into several packs",
        )  # fmt: skip
    nul = data.find(b"\x00")
    if nul >= 0:
        raise _fail(file, _byte_pos(data, nul), "expected YAML text, found binary data (a zero byte)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _fail(
            file, _byte_pos(data, e.start), f"expected UTF-8 text, found the byte 0x{data[e.start]:02x}",
            "save the file as UTF-8",
        ) from None  # fmt: skip
    return text


def _byte_pos(data: bytes, index: int) -> Pos:
    line_start = data.rfind(b"\n", 0, index) + 1
    return data.count(b"\n", 0, index) + 1, index - line_start + 1


_TOKENS = {
    "<block end>": "the end of an indented block",
    "<block mapping start>": "a new indented block",
    "<block sequence start>": "a new indented list",
    "<block collection start>": "a new indented block",
    "<flow mapping start>": "'{'",
    "<flow sequence start>": "'['",
    "<document start>": "'---'",
    "<document end>": "'...'",
    "<stream end>": "the end of the file",
    "<scalar>": "a value",
    "<alias>": "an alias",
    "<anchor>": "an anchor",
    "<tag>": "a tag",
    "<block entry>": "a list item ('- ')",
    "'?'": "'?' (a complex key)",
    "'-'": "a list item ('- ')",
}


def _plain_words(text: str) -> str:
    for token, words in _TOKENS.items():
        text = text.replace(token, words)
    return text


def _syntax_problem(file: str, e: yaml.MarkedYAMLError, text: str) -> Problem:
    """A parser error (libyaml's or PyYAML's wording) in the author's words."""
    problem = (e.problem or "").strip()
    context = (e.context or "").strip()
    pos = _pos(e.problem_mark or e.context_mark)
    lines = text.splitlines()
    here = lines[pos[0] - 1][pos[1] - 1 : pos[1]] if 0 < pos[0] <= len(lines) else ""
    hint = ""
    if here == "\t" or "'\\t'" in problem or "'\t'" in problem:
        message, hint = "expected spaces, found a tab", "indent with spaces only"
    elif problem.startswith("mapping values are not allowed"):
        message = "expected one 'key: value' per line, found a second ': ' on this line"
        hint = "put quotes around a text that contains ': '"
    elif problem.startswith("could not find expected ':'"):
        message = "expected 'key: value', found a line without ':'"
        hint = "add ':' after the key, or quote the text"
    elif "undefined alias" in problem:
        message = "expected an anchor defined earlier (&name), found an alias (*name) to none"
        hint = "define the anchor before using it"
    elif "unexpected end of stream" in problem:
        message = "expected the closing quote, found the end of the file"
    elif "unknown escape character" in problem:
        message = "expected a known escape such as \\n inside double quotes, found another backslash escape"
        hint = "use single quotes for text with backslashes"
    elif "duplicate anchor" in problem:
        message = "expected each anchor name once, found it again"
    elif "nesting depth" in problem:
        message = f"expected at most {MAX_DEPTH} levels of nesting, found deeper"
    elif "did not find expected key" in problem or problem.startswith("expected <block end>"):
        message = "expected this line to line up with the keys above it, found it at another indentation"
        hint = "check the indentation of this line and the one above"
    elif "expected '-' indicator" in problem:
        message = "expected a list item ('- ') lined up with the ones above, found something else"
        hint = "check the indentation of this line"
    elif "expected ',' or ']'" in problem:
        message = "expected ',' or ']' in the [...] list, found something else"
        hint = "close the list with ']' on the line where it starts"
    elif "expected ',' or '}'" in problem:
        message = "expected ',' or '}' in the {...} mapping, found something else"
        hint = "close the mapping with '}' on the line where it starts"
    elif "cannot start any token" in problem:
        found = f"'{here}'" if here.strip() else "a character"
        message = f"expected a value, found {found}, which cannot start one"
        hint = "put quotes around the text"
    elif "special characters are not allowed" in problem or "control characters" in problem:
        message = "expected printable text, found a control character"
    elif "found unexpected ':'" in problem:
        message = "expected a value, found ':'"
        hint = "put quotes around a text that contains ':'"
    else:
        words = _plain_words(problem).replace("did not find expected", "did not find")
        message = f"expected valid YAML, found a syntax error ({words}"
        message += f", {_plain_words(context)})" if context else ")"
    return Problem(file, pos[0], pos[1], "error", message, hint)


@dataclass(slots=True)
class _Frame:
    value: dict[Any, Any] | list[Any]
    loc: Loc
    anchor: str | None
    pos: Pos
    weight: int = 1
    key: Any = None
    has_key: bool = False
    key_pos: Pos = (1, 1)
    merged: set[Any] = field(default_factory=set)
    key_lines: dict[Any, int] = field(default_factory=dict)


_MISSING: Any = object()


def parse(text: str, file: str) -> tuple[Any, Positions, list[Problem]]:
    """Plain data, positions, and the non-fatal problems (duplicate keys, odd keys).

    Raises :class:`PackError` for what stops parsing (syntax, tags, limits)."""
    loader = _Loader(text)
    pos = Positions()
    problems: list[Problem] = []
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    root: Any = None
    have_root = False
    aliases = 0
    total = 0
    scalars: dict[tuple[Any, ...], Any] = {}  #: the same plain value is resolved once
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, yaml.DocumentStartEvent) and have_root:
                raise _fail(file, _pos(event.start_mark), "expected one YAML document, found a second one ('---')",
                            "put every level in one document")  # fmt: skip
            if not isinstance(event, yaml.NodeEvent | yaml.CollectionEndEvent):
                continue
            start = _pos(event.start_mark)
            closed = stack.pop() if isinstance(event, yaml.CollectionEndEvent) else None
            parent = stack[-1] if stack else None
            as_key = parent is not None and isinstance(parent.value, dict) and not parent.has_key
            loc: Loc
            if parent is None:
                loc = ()
            elif isinstance(parent.value, list):
                loc = (*parent.loc, len(parent.value))
            else:
                loc = (*parent.loc, parent.key) if parent.has_key else parent.loc
            if isinstance(event, yaml.CollectionStartEvent):
                if event.tag not in _CONTAINER_TAGS:
                    raise _fail(file, start, f"expected plain YAML data, found the tag '{_short(event.tag)}'",
                                "remove the tag")  # fmt: skip
                if as_key:
                    raise _fail(file, start, "expected a plain key, found a mapping or list used as a key")
                if len(stack) >= MAX_DEPTH:
                    raise _fail(file, start, f"expected at most {MAX_DEPTH} levels of nesting, found deeper")
                pos.values[loc] = start
                container: dict[Any, Any] | list[Any] = {} if isinstance(event, yaml.MappingStartEvent) else []
                stack.append(_Frame(container, loc, event.anchor, start))
                continue
            if closed is not None:
                value: Any = closed.value
                weight, anchor, start = closed.weight, closed.anchor, closed.pos
            elif isinstance(event, yaml.AliasEvent):
                aliases += 1
                if event.anchor not in anchors:
                    raise _fail(file, start, f"expected an anchor defined earlier (&{event.anchor}), "
                                f"found the alias *{event.anchor} before any")  # fmt: skip
                if aliases > MAX_ALIASES:
                    raise _fail(file, start, f"expected at most {MAX_ALIASES} aliases (*name), found more")
                value, weight = anchors[event.anchor]
                anchor = None
                if not as_key:
                    pos.values[loc] = start
            else:
                assert isinstance(event, yaml.ScalarEvent)
                if event.tag is None and event.implicit[1] and not event.implicit[0]:  # quoted: a text
                    value = event.value
                else:
                    ck = (event.value, event.tag, event.implicit)
                    value = scalars.get(ck, _MISSING)
                    if value is _MISSING:
                        value = scalars[ck] = _scalar(loader, event, file, start)
                weight, anchor = 1, event.anchor
                if not as_key:
                    pos.values[loc] = start
            total += weight
            if total > MAX_VALUES:
                raise _fail(file, start, f"expected at most {MAX_VALUES:,} values once aliases are expanded, "
                            "found more", "use fewer aliases")  # fmt: skip
            if anchor:
                anchors[anchor] = (value, weight)
            if parent is None:
                root, have_root = value, True
                continue
            parent.weight += weight
            if isinstance(parent.value, list):
                parent.value.append(value)
            elif as_key:
                _take_key(parent, value, start, file, problems)
            else:
                _take_value(parent, value, start, pos, file, problems)
    except yaml.MarkedYAMLError as e:
        raise PackError([_syntax_problem(file, e, text)]) from None
    except yaml.YAMLError as e:  # a reader error without a mark
        raise _fail(file, (1, 1), f"expected valid YAML text, found {_plain_words(str(e).splitlines()[0])}") from None
    finally:
        loader.dispose()
    if not have_root or root is None:
        raise _fail(file, (1, 1), "expected a YAML mapping, found an empty file")
    return root, pos, problems


def _short(tag: str | None) -> str:
    return str(tag).replace("tag:yaml.org,2002:", "!!")


def _scalar(loader: Any, event: yaml.ScalarEvent, file: str, start: Pos) -> Any:
    tag = event.tag
    if tag in (None, "!"):
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == "tag:yaml.org,2002:merge":
        return "<<"
    if tag not in _PLAIN:
        raise _fail(file, start, f"expected plain YAML data, found the tag '{_short(event.tag)}'", "remove the tag")
    if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
        return event.value
    node = yaml.ScalarNode(tag, event.value, None, None, event.style)
    try:
        return loader.construct_object(node)
    except (yaml.YAMLError, ValueError, OverflowError):
        return event.value


def _take_key(frame: _Frame, key: Any, start: Pos, file: str, problems: list[Problem]) -> None:
    if isinstance(key, dict | list):
        key = repr(key)
    frame.key, frame.has_key, frame.key_pos = key, True, start
    first = frame.key_lines.get(key)
    if first is not None and key not in frame.merged:
        problems.append(Problem(file, start[0], start[1], "error",
                                f"expected each key once in a mapping, found '{key}' again (first on line {first})",
                                "remove one of them"))  # fmt: skip
        frame.key = _Duplicate(key, first)
        return
    frame.key_lines[key] = start[0]


@dataclass(frozen=True, slots=True)
class _Duplicate:
    key: Any
    first: Any


def _take_value(frame: _Frame, value: Any, start: Pos, pos: Positions, file: str, problems: list[Problem]) -> None:
    key = frame.key
    frame.has_key = False
    assert isinstance(frame.value, dict)
    if isinstance(key, _Duplicate):  # the second value of a duplicate key is dropped (reported already)
        return
    if key == "<<" and isinstance(value, dict | list):  # a merge key: copy keys not given yet
        sources = value if isinstance(value, list) else [value]
        for src in sources:
            if isinstance(src, dict):
                for k, v in src.items():
                    if k not in frame.value:
                        frame.value[k] = v
                        frame.merged.add(k)
                        pos.values[(*frame.loc, k)] = start
                        pos.keys[(*frame.loc, k)] = frame.key_pos
        pos.values.pop((*frame.loc, key), None)
        return
    frame.merged.discard(key)
    frame.value[key] = value
    pos.keys[(*frame.loc, key)] = frame.key_pos
