"""The profile store: real SQLite files, migrations, corrupt files moved aside, SIGKILL mid-session."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from game.store import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    ProfileError,
    ProfileStore,
    RepRecord,
    create_profile,
    list_profiles,
    profile_path,
)

ROOT = Path(__file__).resolve().parents[1]


def _rep(i: int, score: float = 90.0, faults: tuple[str, ...] = ()) -> RepRecord:
    return RepRecord(i, 2.0 * i, score, not faults, faults, rom_deg=80.0 + i, duration_s=2.0, eccentric_s=1.2)


def test_a_session_and_its_reps_read_back_after_reopening(tmp_path: Path) -> None:
    with ProfileStore.open("Ann", tmp_path) as store:
        sid = store.start_session("starter", "first-squats", "classic", "synthetic:squat")
        store.add_rep(sid, _rep(1))
        store.add_rep(sid, _rep(2, 55.0, ("Push your knees out",)))
        store.end_session(sid, "completed", 640, 2, 31.5)
    with ProfileStore.open("Ann", tmp_path, create=False) as store:
        [session] = store.sessions()
        assert (session.level_id, session.outcome) == ("first-squats", "completed")
        assert (session.points, session.stars) == (640, 2)
        assert (session.reps, session.good_reps) == (2, 1)
        assert session.faults == {"Push your knees out": 1}
        reps = store.reps(session.id)
        assert reps[1].faults == ("Push your knees out",)
        assert reps[0].rom_deg == pytest.approx(81.0)
        assert store.best_stars("starter") == {"first-squats": 2}
        assert store.best_points("starter") == {"first-squats": 640}


def test_a_worse_session_keeps_the_best_stars_and_points(tmp_path: Path) -> None:
    with ProfileStore.open("Ann", tmp_path) as store:
        store.end_session(store.start_session("p", "a"), "completed", 900, 3, 10.0)
        store.end_session(store.start_session("p", "a"), "completed", 300, 1, 10.0)
        assert store.best_stars("p") == {"a": 3}
        assert store.best_points("p") == {"a": 900}


def test_the_file_says_what_it_is(tmp_path: Path) -> None:
    ProfileStore.open("Ann", tmp_path).close()
    db = sqlite3.connect(profile_path("Ann", tmp_path))
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.close()


def test_a_version_1_file_is_migrated_keeping_its_data(tmp_path: Path) -> None:
    path = profile_path("Old", tmp_path)
    path.parent.mkdir(parents=True)
    db = sqlite3.connect(path)
    db.executescript(
        f"""
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE level_best (pack_id TEXT NOT NULL, level_id TEXT NOT NULL, stars INTEGER NOT NULL DEFAULT 0,
            best_points INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (pack_id, level_id));
        CREATE TABLE sessions (id INTEGER PRIMARY KEY, pack_id TEXT NOT NULL, level_id TEXT NOT NULL,
            mode TEXT NOT NULL DEFAULT 'classic', source TEXT NOT NULL DEFAULT '', started_at REAL NOT NULL,
            ended_at REAL, outcome TEXT, points INTEGER NOT NULL DEFAULT 0, stars INTEGER NOT NULL DEFAULT 0,
            duration_s REAL NOT NULL DEFAULT 0);
        CREATE TABLE reps (session_id INTEGER NOT NULL, idx INTEGER NOT NULL, t_s REAL NOT NULL, score REAL NOT NULL,
            good INTEGER NOT NULL, faults TEXT NOT NULL DEFAULT '[]', rom_deg REAL, duration_s REAL,
            PRIMARY KEY (session_id, idx));
        INSERT INTO level_best VALUES ('starter', 'first-squats', 2, 700);
        INSERT INTO sessions (id, pack_id, level_id, started_at) VALUES (1, 'starter', 'first-squats', 0);
        INSERT INTO reps VALUES (1, 1, 2.0, 88.0, 1, '[]', 90.0, 2.1);
        PRAGMA application_id = {APPLICATION_ID};
        PRAGMA user_version = 1;
        """
    )
    db.close()
    with ProfileStore.open("Old", tmp_path) as store:
        assert store.notices == []
        assert store.best_stars("starter") == {"first-squats": 2}
        [rep] = store.reps(1)
        assert (rep.score, rep.eccentric_s) == (88.0, None)
        store.set_setting("volume", 0.4)  # a table version 2 added
        assert store.settings() == {"volume": 0.4}


def test_a_newer_schema_is_refused_not_touched(tmp_path: Path) -> None:
    ProfileStore.open("Ann", tmp_path).close()
    path = profile_path("Ann", tmp_path)
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    with pytest.raises(ProfileError, match="newer RepQuest"):
        ProfileStore.open("Ann", tmp_path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"this is not a database at all\n" * 20, "is not an SQLite database"),
        (None, "belongs to another program"),
    ],
)
def test_a_corrupt_or_foreign_file_is_moved_aside_and_reported(tmp_path: Path, content: bytes | None, why: str) -> None:
    path = profile_path("Ann", tmp_path)
    path.parent.mkdir(parents=True)
    if content is None:  # someone else's SQLite database
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE photos (id INTEGER)")
        db.commit()
        db.close()
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with ProfileStore.open("Ann", tmp_path) as store:
        assert len(store.notices) == 1
        assert why in store.notices[0]
        assert store.best_stars("starter") == {}
    [aside] = list(path.parent.glob("ann.sqlite.corrupt-*"))
    assert aside.read_bytes() == before  # kept, never overwritten


def test_a_damaged_database_page_is_moved_aside(tmp_path: Path) -> None:
    with ProfileStore.open("Ann", tmp_path) as store:
        sid = store.start_session("p", "a")
        for i in range(1, 200):
            store.add_rep(sid, _rep(i, faults=("x" * 200,)))
    path = profile_path("Ann", tmp_path)
    data = bytearray(path.read_bytes())
    data[4096 * 3 : 4096 * 3 + 2000] = b"\xff" * 2000  # scribble over a page of the reps table
    path.write_bytes(bytes(data))
    with ProfileStore.open("Ann", tmp_path) as store:
        assert store.notices
        assert "damaged" in store.notices[0]
    assert list(path.parent.glob("ann.sqlite.corrupt-*"))


def test_the_old_progress_json_is_imported_once(tmp_path: Path) -> None:
    legacy = tmp_path / "progress.json"
    legacy.write_text(json.dumps({"version": 1, "stars": {"starter/first-squats": 3, "starter/squat-streak": 1}}))
    with ProfileStore.open("player", tmp_path) as store:
        assert store.best_stars("starter") == {"first-squats": 3, "squat-streak": 1}
        assert "imported the stars of 2 level(s)" in store.notices[0]
    assert not legacy.exists()
    assert (tmp_path / "progress.json.imported").exists()
    with ProfileStore.open("second", tmp_path) as other:
        assert other.best_stars("starter") == {}


def test_a_corrupt_progress_json_is_moved_aside_and_reported(tmp_path: Path) -> None:
    (tmp_path / "progress.json").write_text("{not json")
    with ProfileStore.open("player", tmp_path) as store:
        assert "could not be read" in store.notices[0]
    assert (tmp_path / "progress.json.corrupt").read_text() == "{not json"


def test_profiles_are_listed_and_names_checked(tmp_path: Path) -> None:
    create_profile("Ann", tmp_path)
    create_profile("Bo Li", tmp_path)
    assert list_profiles(tmp_path) == ["Ann", "Bo Li"]
    with pytest.raises(ProfileError, match="exists already"):
        create_profile("Ann", tmp_path)
    with pytest.raises(ProfileError, match="not allowed"):
        create_profile("../etc", tmp_path)
    with pytest.raises(ProfileError, match="no profile named 'Cy'"):
        ProfileStore.open("Cy", tmp_path, create=False)


def test_export_is_plain_json_with_every_rep(tmp_path: Path) -> None:
    with ProfileStore.open("Ann", tmp_path) as store:
        sid = store.start_session("starter", "first-squats")
        store.add_rep(sid, _rep(1, 40.0, ("Go lower",)))
        store.end_session(sid, "time up", 40, 0, 60.0)
        doc = json.loads(json.dumps(store.export()))
    assert doc["profile"] == "Ann"
    assert doc["sessions"][0]["reps"][0]["faults"] == ["Go lower"]
    assert doc["levels"] == [{"pack": "starter", "level": "first-squats", "stars": 0, "best_points": 40}]


WRITER = textwrap.dedent(
    """
    import sys
    from game.store import ProfileStore, RepRecord
    store = ProfileStore.open("Kim", __import__("pathlib").Path(sys.argv[1]))
    sid = store.start_session("starter", "first-squats")
    i = 0
    while True:
        i += 1
        store.add_rep(sid, RepRecord(i, float(i), 80.0, True, ("cue",) * (i % 3), 90.0, 2.0, 1.0, 1.0))
        print(i, flush=True)  # only after the commit returned
    """
)


def test_sigkill_mid_session_keeps_every_committed_rep(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT
    )
    assert proc.stdout is not None
    acked = 0
    deadline = time.monotonic() + 60
    while acked < 40 and time.monotonic() < deadline:
        acked = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)  # in the middle of the next transaction, most likely
    proc.wait()
    proc.stdout.close()
    assert acked >= 40
    path = profile_path("Kim", tmp_path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with ProfileStore.open("Kim", tmp_path, create=False) as store:
        assert store.notices == []
        [session] = store.sessions()
        assert session.outcome is None  # never ended
        indices = [r.index for r in store.reps(session.id)]
    assert indices == list(range(1, len(indices) + 1))
    assert len(indices) >= acked


def test_sigkill_of_the_game_mid_level_keeps_every_committed_rep(tmp_path: Path) -> None:
    """The real headless game, killed while a level is being played."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REPQUEST_HOME": str(tmp_path), "SDL_VIDEODRIVER": "dummy"}
    cmd = [sys.executable, "-m", "game", "play", "--headless", "--profile", "Kim", "--seconds", "100",
           "--source", "synthetic:squat,reps=0", "--level", "first-squats"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=tmp_path)
    path = profile_path("Kim", tmp_path)
    seen: list[tuple[int, float]] = []
    deadline = time.monotonic() + 90
    try:
        while len(seen) < 2 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
            if not path.exists():
                continue
            try:
                db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
                seen = db.execute("SELECT idx, score FROM reps ORDER BY idx").fetchall()
                db.close()
            except sqlite3.OperationalError:  # the schema is still being created
                continue
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert len(seen) >= 2, "the game committed no reps in time"
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    with ProfileStore.open("Kim", tmp_path, create=False) as store:
        [session] = store.sessions()
        kept = [(r.index, r.score) for r in store.reps(session.id)]
    assert kept[: len(seen)] == seen
