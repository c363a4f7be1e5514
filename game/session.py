"""Run one game session (window or headless) and report what happened."""

from __future__ import annotations

from pathlib import Path

from game.app import App, GameOptions, make_screen, shutdown
from game.loop import frames
from game.progress import progress_path
from game.scenes.play import PlayScene
from game.scenes.title import TitleScene
from game.source_choice import SourceChoice
from levels.schema import Pack


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
    )
    options.source.check(level.exercise for level in pack.levels)
    screen = make_screen()
    try:
        app = App(screen, options)
        if headless:
            print(f"RepQuest headless demo: pack '{pack.id}', camera: {options.source.label()}, up to {seconds:g} s")
        first = TitleScene(app)
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
