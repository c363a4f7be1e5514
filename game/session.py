"""Run one game session (window or headless) and report what happened."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from game.app import App, GameOptions, make_screen, shutdown
from game.loop import frames
from game.source_choice import SourceChoice
from game.store import ProfileStore
from levels.model import Pack
from levels.watch import PackWatcher
from sensors.errors import SensorError, SourceSpecError


def refused_levels(pack: Pack, source: SourceChoice) -> dict[str, str]:
    """Level id -> why ``source`` cannot play it (e.g. the demo avatar cannot do a pack's own exercise).

    Each level is checked on its own, so one level the avatar cannot perform never stops the others."""
    refused: dict[str, str] = {}
    for level in pack.levels:
        try:
            source.check(pack.demo_motion(e) for e in level.exercises)
        except SensorError as e:
            refused[level.id] = str(e).split(";")[0]
    return refused


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
    watch: PackWatcher | None = None,
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
        watch=watch,
    )
    refused = refused_levels(pack, options.source)
    if len(refused) == len(pack.levels):
        raise SourceSpecError("; ".join(f"level {k}: {v}" for k, v in refused.items()))
    if level_id in refused:
        raise SourceSpecError(f"level {level_id}: {refused[level_id]}")
    if level_id is None and headless:  # the demo plays the first level it can
        level_id = next(lv.id for lv in pack.levels if lv.id not in refused)
    options = replace(options, refused=refused, start_level=level_id)
    store = ProfileStore.memory() if profile is None and headless else ProfileStore.open(profile or "player")
    say = print if not as_json else _quiet
    for notice in store.notices:
        say(f"profile: {notice}")
    screen = make_screen()
    try:
        app = App(screen, options, store)
        if headless:
            broken = watch is not None and watch.report.pack is None
            shown = f"pack file {watch.path} (with errors)" if watch and broken else f"pack '{pack.id}'"
            cap = f"until the level's results, at most {seconds:g} s" if seconds else "until the level's results"
            say(f"RepQuest headless demo: {shown}, camera: {options.source.label()}, {cap}")
        for refused_id, why in options.refused.items():
            say(f"level {refused_id} not played: {why}")
        first = "pack-errors" if watch is not None and watch.report.pack is None else "title"
        kwargs = {"lines": [str(p) for p in watch.report.problems]} if first == "pack-errors" and watch else {}
        app.run(frames(fps), first, **kwargs)
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
