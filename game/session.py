"""Run one game session (window or headless) and report what happened."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from game.app import App, GameOptions, make_screen, shutdown
from game.loop import frames
from game.progress import progress_path
from game.scenes.base import Scene
from game.scenes.pack_errors import PackErrorsScene
from game.scenes.play import PlayScene
from game.scenes.title import TitleScene
from game.source_choice import SourceChoice
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
    fps: float = 30.0,
    seed: int | None = None,
    pose_model: Path | None = None,
    watch: PackWatcher | None = None,
) -> int:
    """Play ``pack``; headless runs the demo (title -> level -> results) and prints a summary."""
    options = GameOptions(
        pack=pack,
        source=SourceChoice(source, seed, pose_model),
        start_level=level_id,
        autoplay=headless,
        seconds=seconds,
        screenshots=screenshots,
        fps=fps,
        progress_file=None if headless else progress_path(),  # the demo leaves the player's progress alone
        watch=watch,
    )
    refused = refused_levels(pack, options.source)
    if len(refused) == len(pack.levels):
        raise SourceSpecError("; ".join(f"level {k}: {v}" for k, v in refused.items()))
    options = replace(options, refused=refused)
    if level_id in refused:
        raise SourceSpecError(f"level {level_id}: {refused[level_id]}")
    screen = make_screen()
    try:
        app = App(screen, options)
        if headless:
            broken = watch is not None and watch.report.pack is None
            shown = f"pack file {watch.path} (with errors)" if watch and broken else f"pack '{pack.id}'"
            print(f"RepQuest headless demo: {shown}, camera: {options.source.label()}, up to {seconds:g} s")
        for refused_id, why in options.refused.items():
            print(f"level {refused_id} not played: {why}")
        first: Scene = TitleScene(app)
        if watch is not None and watch.report.pack is None:
            first = PackErrorsScene(app, [str(p) for p in watch.report.problems])
        app.run(frames(fps), first)
    finally:
        shutdown()
    for result in app.session.results:
        print(result.summary())
    if not app.session.results:
        print("no level was played")
    if app.shots is not None:
        names = ", ".join(p.name for p in app.shots.saved)
        print(f"{len(app.shots.saved)} screenshots in {app.shots.folder}/: {names}")
    return 0


__all__ = ["PlayScene", "play"]
