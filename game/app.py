"""The pygame application: a scene stack driven by ``for dt_s in frames(fps)``.

Events are dispatched through a table (event type -> method); the active
scene gets key presses, game-clock updates and a draw call each frame.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import pygame

from game import assets
from game.clock import GameClock
from game.progress import load_stars, save_stars
from game.scenes.base import Scene
from game.screenshots import Screenshotter
from game.source_choice import SourceChoice
from levels.model import Level, Pack
from levels.run import LevelRun, Outcome, is_unlocked
from levels.watch import PackWatcher

#: after the --seconds deadline, how long the results stay up before the app closes
CLOSING_GRACE_S = 2.5


@dataclass(frozen=True)
class GameOptions:
    pack: Pack
    source: SourceChoice
    start_level: str | None = None  #: level id to select first
    autoplay: bool = False  #: demo mode: start the level, show the results, quit
    seconds: float | None = None  #: end the session after this many wall seconds
    screenshots: Path | None = None
    fps: float = 30.0
    threaded_feed: bool = True  #: False: read non-live sources on the game thread (deterministic tests)
    progress_file: Path | None = None  #: keep best stars here between sessions (None: this session only)
    #: level id -> why this source cannot play it (e.g. the demo avatar cannot do a pack's own exercise)
    refused: dict[str, str] = field(default_factory=dict)
    watch: PackWatcher | None = None  #: --watch: reload the pack when its files change


@dataclass(frozen=True)
class LevelResult:
    """What happened in one level, for the summary printed at the end."""

    level_id: str
    title: str
    exercise: str
    source: str
    outcome: str
    reps: int
    good_reps: int
    partials: int
    held_s: float
    points: int
    stars: int
    best_combo: int
    mean_score: float
    frames: int
    hold: bool = False  #: a hold level (seconds in form, not reps)

    def summary(self) -> str:
        if self.hold:
            did = f"held in form {self.held_s:.1f} s"
        else:
            did = (
                f"{self.reps} reps ({self.good_reps} good, {self.partials} partial), "
                f"form {self.mean_score:.0f}/100, best streak {self.best_combo} good reps"
            )
        return (
            f"level {self.level_id} '{self.title}' ({self.exercise}, source {self.source}): {self.outcome}; "
            f"{did}; score {self.points}, stars {self.stars}/3"
        )


@dataclass
class Session:
    best_stars: dict[str, int] = field(default_factory=dict)
    results: list[LevelResult] = field(default_factory=list)


class App:
    def __init__(self, screen: pygame.Surface, options: GameOptions) -> None:
        self.screen = screen
        self.options = options
        self.clock = GameClock()
        self.session = Session()
        if options.progress_file is not None:
            self.session.best_stars.update(load_stars(options.pack.id, options.progress_file))
        self.stack: list[Scene] = []  #: the active scene is last; a pause scene sits on the play scene
        self.running = True
        self.wall_dt_s = 0.0
        self.closing_at_s: float | None = None
        self.shots = Screenshotter(options.screenshots) if options.screenshots else None
        self.shot_wanted = ""  #: a scene asks for a screenshot of this frame (e.g. the first form cue)
        self.EVENTS: dict[int, Callable[[pygame.event.Event], None]] = {
            pygame.QUIT: self._on_quit,
            pygame.KEYDOWN: self._on_key,
        }

    # -- scene stack --------------------------------------------------------------
    @property
    def scene(self) -> Scene:
        return self.stack[-1]

    def push(self, scene: Scene) -> None:
        self.stack.append(scene)
        scene.enter()

    def pop(self) -> None:
        self.stack.pop().exit()

    def replace(self, scene: Scene) -> None:
        """Leave every scene on the stack and show ``scene``."""
        while self.stack:
            self.pop()
        self.push(scene)

    # -- levels -------------------------------------------------------------------
    def record(self, run: LevelRun, source: str, frames: int) -> LevelResult:
        level = run.level
        outcome = {Outcome.COMPLETED: "completed", Outcome.TIME_UP: "time up"}.get(run.outcome, "stopped")
        result = LevelResult(
            level.id, level.title, level.exercise, source, outcome, run.reps, run.good_reps, run.partials,
            run.held_s, round(run.points), run.stars, run.best_combo, run.mean_score, frames,
            hold=level.goal.hold_s is not None,
        )  # fmt: skip
        self.session.results.append(result)
        self.session.best_stars[level.id] = max(run.stars, self.session.best_stars.get(level.id, 0))
        if self.options.progress_file is not None:
            save_stars(self.options.pack.id, {level.id: run.stars}, self.options.progress_file)
        return result

    def unlocked(self, level: Level) -> bool:
        if level.id in self.options.refused:
            return False
        return self.options.autoplay or is_unlocked(level, self.session.best_stars)

    # -- events -------------------------------------------------------------------
    def _on_quit(self, event: pygame.event.Event) -> None:
        self.running = False

    def _on_key(self, event: pygame.event.Event) -> None:
        if event.key == pygame.K_F12 and self.shots is not None:
            self.shots.save(self.screen, self.scene.name)
            return
        self.scene.handle(event)

    def quit(self) -> None:
        self.running = False

    def close_soon(self) -> None:
        """Quit after a short grace period (the results stay readable in screenshots)."""
        if self.closing_at_s is None:
            self.closing_at_s = self.clock.wall_s + CLOSING_GRACE_S

    # -- the loop -------------------------------------------------------------------
    def run(self, frames: Iterable[float], first_scene: Scene) -> None:
        """Show ``first_scene`` and run one :meth:`step` per frame until the app quits."""
        self.push(first_scene)
        try:
            for wall_dt_s in frames:
                if not self.step(wall_dt_s):
                    break
        finally:
            self.close()

    def step(self, wall_dt_s: float) -> bool:
        """One frame: events, update, draw, screenshots. False once the app should stop."""
        self.wall_dt_s = wall_dt_s
        dt_s = self.clock.advance(wall_dt_s)
        for event in pygame.event.get():
            handler = self.EVENTS.get(event.type)
            if handler is not None:
                handler(event)
        if not self.running:
            return False
        if self.options.watch is not None:
            self._reload_pack()
        scene = self.scene
        scene.age_s += wall_dt_s
        scene.update(dt_s)
        self._check_deadline()
        if not self.running:
            return False
        self.scene.draw(self.screen)
        pygame.display.flip()
        if self.shots is not None:
            if self.shot_wanted:
                self.shots.save(self.screen, self.shot_wanted)
            else:
                self.shots.maybe_save(self.screen, self.scene.name, self.scene.age_s, self.scene.settle_s)
        self.shot_wanted = ""
        return self.closing_at_s is None or self.clock.wall_s < self.closing_at_s

    def _reload_pack(self) -> None:
        """--watch: a changed pack goes back to the title with the new levels; errors show in the game."""
        assert self.options.watch is not None
        report = self.options.watch.poll()
        if report is None:
            return
        from game.scenes.pack_errors import PackErrorsScene
        from game.scenes.title import TitleScene

        if report.pack is None:
            self.replace(PackErrorsScene(self, [str(p) for p in report.problems]))
            return
        from game.session import refused_levels

        self.options = replace(self.options, pack=report.pack, refused=refused_levels(report.pack, self.options.source))
        self.replace(TitleScene(self))

    def close(self) -> None:
        """Leave every scene (closing the sensor); harmless twice."""
        while self.stack:
            self.pop()

    def _check_deadline(self) -> None:
        limit = self.options.seconds
        if limit is None or self.clock.wall_s < limit or self.closing_at_s is not None:
            return
        for scene in reversed(self.stack):
            stop = getattr(scene, "stop_level", None)
            if stop is not None:
                stop()
                return
        self.close_soon()


def make_screen(size_px: tuple[int, int] = assets.SCREEN_SIZE_PX, title: str = "RepQuest") -> pygame.Surface:
    """Initialise pygame (display and fonts only; no sound needed) and open the window."""
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_caption(title)
    return pygame.display.set_mode(size_px)


def shutdown() -> None:
    assets.font.cache_clear()
    pygame.font.quit()
    pygame.display.quit()
