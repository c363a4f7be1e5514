"""Run one game session (window or headless) and report what happened."""

from __future__ import annotations

import json
from pathlib import Path

from game.app import App, GameOptions, make_screen, shutdown
from game.loop import frames
from game.source_choice import SourceChoice
from game.store import ProfileStore
from levels.schema import Pack


def play(
    pack: Pack,
    *,
    source: str | None = None,
    level_id: str | None = None,
    headless: bool = False,
    seconds: float | None = None,
    screenshots: Path | None = None,
    fps: float = 60.0,
    seed: int | None = None,
    pose_model: Path | None = None,
    profile: str | None = None,
    as_json: bool = False,
) -> int:
    """Play ``pack``; headless runs the demo (title -> level -> results) and prints a summary.

    The player's progress goes to ``profile`` (default: 'player' in a window); the headless demo
    keeps nothing unless a profile is named.
    """
    options = GameOptions(
        pack=pack,
        source=SourceChoice(source, seed, pose_model),
        start_level=level_id,
        autoplay=headless,
        seconds=seconds,
        screenshots=screenshots,
        fps=fps,
        sound=not headless,
    )
    options.source.check(level.exercise for level in pack.levels)
    store = ProfileStore.memory() if profile is None and headless else ProfileStore.open(profile or "player")
    say = print if not as_json else _quiet
    for notice in store.notices:
        say(f"profile: {notice}")
    screen = make_screen()
    try:
        app = App(screen, options, store)
        if headless:
            cap = f"until the level's results, at most {seconds:g} s" if seconds else "until the level's results"
            say(f"RepQuest headless demo: pack '{pack.id}', camera: {options.source.label()}, {cap}")
        app.run(frames(fps), "title")
    finally:
        app.store.close()
        app.sound.close()
        shutdown()
    results = app.session.results
    if as_json:
        doc = results[-1].as_json() if results else {"level": None, "outcome": "not played"}
        print(json.dumps(doc))
        return 0
    for result in results:
        print(result.summary())
    if not results:
        print("no level was played")
    if app.shots is not None:
        names = ", ".join(p.name for p in app.shots.saved)
        print(f"{len(app.shots.saved)} screenshots in {app.shots.folder}/: {names}")
    return 0


def _quiet(*args: object) -> None:
    pass
