"""Progress that cannot be lost: one SQLite file per player profile (stdlib ``sqlite3``).

A profile file holds the best stars and points per level, every session and
every rep of every session (score, faults, range of motion, tempo) and the
player's settings. Each rep is written in its own transaction, so a crash or
a ``kill -9`` at any moment leaves a consistent file holding every rep that
was committed before it.

The file says what it is: ``PRAGMA application_id`` is :data:`APPLICATION_ID`
and ``PRAGMA user_version`` is the schema version. Older schemas are migrated
forward in one transaction (:data:`MIGRATIONS`). A file that is not SQLite,
fails ``PRAGMA quick_check``, or belongs to another program is moved aside
(``NAME.sqlite.corrupt-<time>``) and reported in :attr:`ProfileStore.notices`;
it is never overwritten. A file from a newer RepQuest is refused with a
clear error.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: 'RPQS' as a big-endian int: marks a RepQuest profile database
APPLICATION_ID = 0x52505153
SCHEMA_VERSION = 2
SQLITE_MAGIC = b"SQLite format 3\x00"
PROFILE_SUFFIX = ".sqlite"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,31}$")
DEFAULT_PROFILE = "player"


class ProfileError(Exception):
    """A profile cannot be used (bad name, newer schema, unwritable folder); one line for the user."""


@dataclass(frozen=True, slots=True)
class RepRecord:
    """One counted rep as stored: score 0..100, fault cues, range of motion and tempo."""

    index: int  #: 1-based within the session
    t_s: float  #: level seconds when the rep ended
    score: float
    good: bool
    faults: tuple[str, ...] = ()  #: the faults' cues, worst first
    rom_deg: float | None = None
    duration_s: float | None = None  #: tempo: the rep's whole duration
    eccentric_s: float | None = None
    concentric_s: float | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    id: int
    pack_id: str
    level_id: str
    mode: str
    source: str
    started_at: float  #: unix seconds
    ended_at: float | None
    outcome: str | None  #: None: the session never ended (crash, kill)
    points: int
    stars: int
    duration_s: float
    reps: int  #: reps stored for the session
    good_reps: int
    mean_score: float | None
    faults: dict[str, int] = field(default_factory=dict)  #: cue -> how many reps had it


# -- schema --------------------------------------------------------------------------------------------------------


def _v1(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE level_best (
            pack_id TEXT NOT NULL, level_id TEXT NOT NULL,
            stars INTEGER NOT NULL DEFAULT 0, best_points INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (pack_id, level_id));
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY, pack_id TEXT NOT NULL, level_id TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT 'classic', source TEXT NOT NULL DEFAULT '',
            started_at REAL NOT NULL, ended_at REAL, outcome TEXT,
            points INTEGER NOT NULL DEFAULT 0, stars INTEGER NOT NULL DEFAULT 0,
            duration_s REAL NOT NULL DEFAULT 0);
        CREATE TABLE reps (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL, t_s REAL NOT NULL, score REAL NOT NULL, good INTEGER NOT NULL,
            faults TEXT NOT NULL DEFAULT '[]', rom_deg REAL, duration_s REAL,
            PRIMARY KEY (session_id, idx));
        """,
    )


def _v2(db: sqlite3.Connection) -> None:
    """Settings per profile, and the eccentric/concentric split of each rep's tempo."""
    _script(
        db,
        """
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        ALTER TABLE reps ADD COLUMN eccentric_s REAL;
        ALTER TABLE reps ADD COLUMN concentric_s REAL;
        CREATE INDEX sessions_by_level ON sessions (pack_id, level_id);
        """,
    )


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Run ``;``-separated statements inside the caller's transaction (``executescript`` would commit it)."""
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


#: MIGRATIONS[v] takes a schema at version v to v + 1
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1, _v2)
assert len(MIGRATIONS) == SCHEMA_VERSION


# -- where profiles live ---------------------------------------------------------------------------------------------


def data_home() -> Path:
    """``$REPQUEST_HOME``, else ``$XDG_DATA_HOME/repquest``, else ``~/.local/share/repquest``."""
    import os

    home = os.environ.get("REPQUEST_HOME")
    if home:
        return Path(home)
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "repquest"


def profiles_dir(home: Path | None = None) -> Path:
    return (home or data_home()) / "profiles"


def check_name(name: str) -> str:
    """A profile name: 1-32 letters, digits, spaces, '-' or '_', starting with a letter or digit."""
    if not NAME_RE.match(name):
        raise ProfileError(
            f"profile name {name!r} is not allowed: use 1-32 letters, digits, spaces, '-' or '_', "
            "starting with a letter or digit"
        )
    return name


def profile_path(name: str, home: Path | None = None) -> Path:
    return profiles_dir(home) / f"{check_name(name).lower().replace(' ', '_')}{PROFILE_SUFFIX}"


def list_profiles(home: Path | None = None) -> list[str]:
    """Profile names (as created), sorted; a file that cannot be read shows under its file name."""
    folder = profiles_dir(home)
    names = []
    for path in sorted(folder.glob(f"*{PROFILE_SUFFIX}")):
        try:
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                row = db.execute("SELECT value FROM meta WHERE key = 'name'").fetchone()
            finally:
                db.close()
            names.append(row[0] if row else path.stem)
        except sqlite3.Error:
            names.append(path.stem)
    return names


# -- the store -----------------------------------------------------------------------------------------------------


class ProfileStore:
    """One profile's SQLite file (or ``":memory:"`` for a session that keeps nothing)."""

    def __init__(self, db: sqlite3.Connection, name: str, path: Path | None, notices: list[str]) -> None:
        self.db = db
        self.name = name
        self.path = path
        self.notices = notices  #: things the player should be told (a file moved aside, progress imported)

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def memory(cls, name: str = "demo") -> ProfileStore:
        """A store that lives only as long as the process (the headless demo)."""
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        _migrate(db, name)
        return cls(db, name, None, [])

    @classmethod
    def open(cls, name: str = DEFAULT_PROFILE, home: Path | None = None, create: bool = True) -> ProfileStore:
        """Open profile ``name`` under ``home`` (default :func:`data_home`), creating it when ``create``.

        A corrupt or foreign file is moved aside and a fresh profile is made;
        the old ``progress.json`` is imported into a new profile once.
        """
        path = profile_path(name, home)
        notices: list[str] = []
        if path.exists():
            problem = _problem_with(path)
            if problem:
                aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
                path.replace(aside)
                for extra in ("-journal", "-wal", "-shm"):
                    side = path.with_name(path.name + extra)
                    if side.exists():
                        side.replace(aside.with_name(aside.name + extra))
                notices.append(f"profile file {path} {problem}; moved it to {aside.name} and started a new profile")
        elif not create:
            known = ", ".join(list_profiles(home)) or "none yet"
            raise ProfileError(
                f"no profile named {name!r} (profiles: {known}); create it with 'repquest profile create'"
            )
        fresh = not path.exists()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=5.0)
        except (OSError, sqlite3.Error) as e:
            raise ProfileError(f"cannot open profile file {path}: {e}") from None
        db.execute("PRAGMA synchronous = FULL")
        db.execute("PRAGMA foreign_keys = ON")
        try:
            _migrate(db, name)
        except ProfileError:
            db.close()
            raise
        store = cls(db, name, path, notices)
        if fresh:
            store._import_legacy(home)
        return store

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ProfileStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- levels ------------------------------------------------------------------------
    def best_stars(self, pack_id: str) -> dict[str, int]:
        rows = self.db.execute("SELECT level_id, stars FROM level_best WHERE pack_id = ?", (pack_id,))
        return {level: int(stars) for level, stars in rows}

    def best_points(self, pack_id: str) -> dict[str, int]:
        rows = self.db.execute("SELECT level_id, best_points FROM level_best WHERE pack_id = ?", (pack_id,))
        return {level: int(points) for level, points in rows}

    def _raise_best(self, pack_id: str, level_id: str, stars: int, points: int) -> None:
        self.db.execute(
            "INSERT INTO level_best (pack_id, level_id, stars, best_points) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (pack_id, level_id) DO UPDATE SET stars = max(stars, excluded.stars), "
            "best_points = max(best_points, excluded.best_points)",
            (pack_id, level_id, int(stars), int(points)),
        )

    # -- sessions ------------------------------------------------------------------------
    def start_session(self, pack_id: str, level_id: str, mode: str = "classic", source: str = "") -> int:
        cur = self.db.execute(
            "INSERT INTO sessions (pack_id, level_id, mode, source, started_at) VALUES (?, ?, ?, ?, ?)",
            (pack_id, level_id, mode, source, time.time()),
        )
        return int(cur.lastrowid or 0)

    def add_rep(self, session_id: int, rep: RepRecord) -> None:
        """Store one rep in its own transaction (durable when this returns)."""
        with _Transaction(self.db):
            self.db.execute(
                "INSERT INTO reps (session_id, idx, t_s, score, good, faults, rom_deg, duration_s, eccentric_s, "
                "concentric_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (session_id, rep.index, rep.t_s, rep.score, int(rep.good), json.dumps(list(rep.faults)),
                 _num(rep.rom_deg), _num(rep.duration_s), _num(rep.eccentric_s), _num(rep.concentric_s)),
            )  # fmt: skip

    def end_session(
        self, session_id: int, outcome: str, points: int, stars: int, duration_s: float, *, best: bool = True
    ) -> None:
        """Close a session and raise the level's best stars and points (one transaction)."""
        with _Transaction(self.db):
            self.db.execute(
                "UPDATE sessions SET ended_at = ?, outcome = ?, points = ?, stars = ?, duration_s = ? WHERE id = ?",
                (time.time(), outcome, int(points), int(stars), float(duration_s), session_id),
            )
            if best:
                row = self.db.execute("SELECT pack_id, level_id FROM sessions WHERE id = ?", (session_id,)).fetchone()
                if row is not None:
                    self._raise_best(row[0], row[1], stars, points)

    def sessions(self, limit: int | None = None, level_id: str | None = None) -> list[SessionRecord]:
        """Sessions, oldest first (the newest ``limit`` when given)."""
        where, args = ("WHERE s.level_id = ?", [level_id]) if level_id else ("", [])
        rows = self.db.execute(
            "SELECT s.id, s.pack_id, s.level_id, s.mode, s.source, s.started_at, s.ended_at, s.outcome, s.points, "
            "s.stars, s.duration_s, count(r.idx), coalesce(sum(r.good), 0), avg(r.score) "
            f"FROM sessions s LEFT JOIN reps r ON r.session_id = s.id {where} "
            "GROUP BY s.id ORDER BY s.id DESC" + (" LIMIT ?" if limit else ""),
            [*args, *([limit] if limit else [])],
        ).fetchall()
        out = []
        for row in reversed(rows):
            faults: dict[str, int] = {}
            for rep in self.reps(int(row[0])):
                for cue in rep.faults:
                    faults[cue] = faults.get(cue, 0) + 1
            out.append(SessionRecord(*row, faults=faults))  # type: ignore[misc]
        return out

    def reps(self, session_id: int) -> list[RepRecord]:
        rows = self.db.execute(
            "SELECT idx, t_s, score, good, faults, rom_deg, duration_s, eccentric_s, concentric_s FROM reps "
            "WHERE session_id = ? ORDER BY idx",
            (session_id,),
        )
        return [
            RepRecord(i, t, s, bool(g), tuple(json.loads(f)), rom, d, ec, co) for i, t, s, g, f, rom, d, ec, co in rows
        ]

    # -- settings ------------------------------------------------------------------------
    def settings(self) -> dict[str, object]:
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM settings")}

    def set_setting(self, key: str, value: object) -> None:
        with _Transaction(self.db):
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    # -- export and import ------------------------------------------------------------------------------------------
    def export(self) -> dict[str, object]:
        """Everything in the profile as plain JSON-able data."""
        best = [
            {"pack": p, "level": lv, "stars": s, "best_points": b}
            for p, lv, s, b in self.db.execute(
                "SELECT pack_id, level_id, stars, best_points FROM level_best ORDER BY 1, 2"
            )
        ]
        sessions = []
        for s in self.sessions():
            d = asdict(s)
            d["reps"] = [asdict(r) for r in self.reps(s.id)]
            sessions.append(d)
        return {
            "format": "repquest-profile",
            "schema_version": SCHEMA_VERSION,
            "profile": self.name,
            "levels": best,
            "sessions": sessions,
            "settings": self.settings(),
        }

    def _import_legacy(self, home: Path | None) -> None:
        """Import best stars from the old ``progress.json`` (then renamed ``progress.json.imported``)."""
        legacy = (home or data_home()) / "progress.json"
        if not legacy.is_file():
            return
        try:
            data = json.loads(legacy.read_text(encoding="utf-8"))
            stars = data["stars"] if isinstance(data, dict) else None
            if not isinstance(stars, dict):
                raise ValueError("no 'stars' table")
        except (OSError, ValueError, KeyError) as e:
            aside = legacy.with_name(legacy.name + ".corrupt")
            legacy.replace(aside)
            self.notices.append(f"old progress file {legacy} could not be read ({e}); moved it to {aside.name}")
            return
        n = 0
        with _Transaction(self.db):
            for key, value in stars.items():
                pack_id, _, level_id = str(key).partition("/")
                if level_id and isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3:
                    self._raise_best(pack_id, level_id, value, 0)
                    n += 1
            self.db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('imported_progress_json', ?)", (str(legacy),)
            )
        legacy.replace(legacy.with_name(legacy.name + ".imported"))
        self.notices.append(f"imported the stars of {n} level(s) from {legacy}")


# -- helpers ---------------------------------------------------------------------------------------------------------


class _Transaction:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rolled back on an exception) on an autocommit connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        self.db.execute("ROLLBACK" if exc_type is not None else "COMMIT")


def _num(x: float | None) -> float | None:
    import math

    return None if x is None or not math.isfinite(x) else float(x)


def _problem_with(path: Path) -> str:
    """Why ``path`` is not a usable profile ("" when it is one, or an empty new file)."""
    try:
        with path.open("rb") as f:
            head = f.read(100)
    except OSError as e:
        return f"cannot be read ({e.strerror})"
    if not head:
        return ""
    if not head.startswith(SQLITE_MAGIC):
        return "is not an SQLite database"
    app_id = int.from_bytes(head[68:72], "big")
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            check = db.execute("PRAGMA quick_check").fetchone()
            tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            db.close()
    except sqlite3.DatabaseError as e:
        return f"is damaged ({e})"
    if check is None or check[0] != "ok":
        return f"is damaged (quick_check: {check[0] if check else 'no answer'})"
    if app_id != APPLICATION_ID and tables:
        return "belongs to another program (not a RepQuest profile)"
    return ""


def _migrate(db: sqlite3.Connection, name: str) -> None:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version > SCHEMA_VERSION:
        raise ProfileError(
            f"profile {name!r} was written by a newer RepQuest (schema {version}, this one knows {SCHEMA_VERSION}); "
            "update RepQuest to open it"
        )
    if version == SCHEMA_VERSION:
        return
    with _Transaction(db):
        for step in MIGRATIONS[version:]:
            step(db)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('name', ?)", (name,))
        db.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('created_at', ?)", (str(time.time()),))


def create_profile(name: str, home: Path | None = None) -> Path:
    """Make a new profile file; an existing name is an error."""
    path = profile_path(name, home)
    if path.exists():
        raise ProfileError(f"a profile named {name!r} exists already ({path})")
    ProfileStore.open(name, home).close()
    return path
