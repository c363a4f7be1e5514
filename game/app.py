"""The pygame application: services (poses, profile store, sound, settings) and a scene stack.

The loop is ``for dt_s in frames(fps)``; each frame is :meth:`App.step`.
Scenes are reached by name through the table in :mod:`game.scenes`
(``app.goto("play", level=level)``) and never import each other. pygame
events are dispatched through :attr:`App.EVENTS` (event type -> method); a
gamepad's buttons and hat are mapped to the keys the scenes already know.
"""

from __future__ import annotations

import contextlib
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pygame

from game import assets, hud
from game.clock import GameClock
from game.outcome import LevelResult
from game.poses import PoseService
from game.scenes.base import Scene
from game.screenshots import Screenshotter
from game.settings import Settings
from game.sound import Sound
from game.source_choice import SourceChoice
from game.store import ProfileStore
from levels.model import Level, Pack
from levels.run import is_unlocked
from levels.watch import PackWatcher
from sensors.contract import Sensor
from sensors.process_sensor import ProcessSensor, RemotePipeline, runs_in_a_child
from sensors.registry import SourceOptions, open_source

#: after the --seconds deadline, how long the results stay up before the app closes
CLOSING_GRACE_S = 2.5
#: the niceness of a source's child process (camera, model, pipeline): the game loop, which needs ~4 ms a frame,
#: runs first when both want a core; the child takes the rest and drops frames when short (benchmarks/README.md)
SOURCE_PROCESS_NICE = 10
#: the smallest window (a smaller one is enlarged to this); below 1280x720 scenes draw on a scaled canvas
MIN_WINDOW_PX = (800, 480)
#: gamepad button -> key the scenes understand (A/Cross confirms, B/Circle goes back, Start pauses)
PAD_BUTTONS: dict[int, int] = {0: pygame.K_RETURN, 1: pygame.K_ESCAPE, 7: pygame.K_p, 9: pygame.K_p}
PAD_HAT: dict[tuple[int, int], int] = {(0, 1): pygame.K_UP, (0, -1): pygame.K_DOWN, (-1, 0): pygame.K_LEFT,
                                       (1, 0): pygame.K_RIGHT}  # fmt: skip


@dataclass(frozen=True)
class GameOptions:
    pack: Pack
    source: SourceChoice
    start_level: str | None = None  #: level id to select first
    autoplay: bool = False  #: demo mode: start the level, show the results, quit
    seconds: float | None = None  #: end the session after this many wall seconds
    screenshots: Path | None = None
    fps: float = 60.0
    threaded_feed: bool = True  #: False: open and read sources on the game thread (deterministic tests)
    #: run the source and the pose pipeline in a child process (threaded feed only): their work never
    #: holds the game's GIL; the game receives processed frames and predicts from the tracker's snapshot
    source_process: bool = True
    sound: bool = True  #: try to open an audio mixer (captions show either way)
    home: Path | None = None  #: where profiles live (default: game.store.data_home())
    #: level id -> why this source cannot play it (e.g. the demo avatar cannot do a pack's own exercise)
    refused: dict[str, str] = field(default_factory=dict)
    watch: PackWatcher | None = None  #: --watch: reload the pack when its files change


@dataclass
class Session:
    best_stars: dict[str, int] = field(default_factory=dict)
    best_points: dict[str, int] = field(default_factory=dict)
    results: list[LevelResult] = field(default_factory=list)


class App:
    def __init__(self, screen: pygame.Surface, options: GameOptions, store: ProfileStore | None = None) -> None:
        self.window = screen  #: the display surface
        #: what scenes draw on: the window, or a canvas of at least the layout's size shown scaled to a small window
        self.screen = canvas_for(screen)
        self.options = options
        self.clock = GameClock()
        self.store = store if store is not None else ProfileStore.memory()
        self.settings = Settings.load(self.store)
        assets.set_palette(self.settings.colour_blind)
        self.sound = Sound(self.settings.volume, self.settings.muted, enabled=options.sound)
        # the reconnect timer runs on the game's wall clock (stepped tests: deterministic)
        self.poses = PoseService(threaded=options.threaded_feed, clock=lambda: self.clock.wall_s)
        self.source_spec = ""  #: the spec the pose service was started with
        self.session = Session()
        self.reload_progress()
        self.notices: list[str] = list(self.store.notices)  #: told to the player on the title screen
        self.stack: list[Scene] = []  #: the active scene is last; a pause scene sits on the play scene
        self.running = True
        self.wall_dt_s = 0.0
        self.closing_at_s: float | None = None
        self.debug = False  #: F3: fps, inference, pipeline and latency overlay
        self.frame_ms: deque[float] = deque(maxlen=120)  #: recent App.step times (debug overlay)
        #: the last step's parts in ms (events, update, draw, flip, shot): where a frame's time goes
        self.step_parts_ms: dict[str, float] = {}
        self.clock_ticks_s: deque[float] = deque(maxlen=121)  #: perf_counter at each step's start (real fps)
        self.shots = Screenshotter(options.screenshots) if options.screenshots else None
        self.shot_wanted = ""  #: a scene asks for a screenshot of this frame (e.g. the first form cue)
        self.EVENTS: dict[int, Callable[[pygame.event.Event], None]] = {
            pygame.QUIT: self._on_quit,
            pygame.KEYDOWN: self._on_key,
            pygame.VIDEORESIZE: self._on_resize,
            pygame.JOYBUTTONDOWN: self._on_pad_button,
            pygame.JOYHATMOTION: self._on_pad_hat,
            pygame.JOYDEVICEADDED: self._on_pad_added,
        }
        self.pads: list[Any] = []

    # -- scenes ------------------------------------------------------------------------
    @property
    def scene(self) -> Scene:
        return self.stack[-1]

    def make(self, name: str, **kwargs: Any) -> Scene:
        from game.scenes import SCENES

        return SCENES[name](self, **kwargs)

    def goto(self, name: str, **kwargs: Any) -> Scene:
        """Leave every scene and show scene ``name`` (built with ``kwargs``)."""
        scene = self.make(name, **kwargs)
        self.replace(scene)
        return scene

    def open_over(self, name: str, **kwargs: Any) -> Scene:
        """Show scene ``name`` over the current one (e.g. pause over play); :meth:`pop` returns."""
        scene = self.make(name, **kwargs)
        self.push(scene)
        return scene

    def push(self, scene: Scene) -> None:
        self.stack.append(scene)
        scene.enter()

    def pop(self) -> None:
        self.stack.pop().exit()

    def replace(self, scene: Scene) -> None:
        while self.stack:
            self.pop()
        self.push(scene)

    # -- services ------------------------------------------------------------------------
    @property
    def source(self) -> SourceChoice:
        """The player's source: the settings' choice, else the command line's."""
        chosen = self.settings.source or self.options.source.spec
        o = self.options.source
        return SourceChoice(chosen, o.seed, o.pose_model)

    def use_source_for(self, exercise: str, force: bool = False) -> None:
        """Make sure the pose service delivers from the source for ``exercise`` (opened off the game thread)."""
        choice = self.source
        try:
            spec = choice.spec_for(exercise)
        except Exception as e:  # noqa: BLE001 - e.g. the demo cannot do this exercise: shown, not raised
            self.poses.close()
            self.poses.error = str(e)
            self.source_spec = ""
            return
        if not force and spec == self.source_spec and not self.poses.error:
            return
        self.source_spec = spec
        realtime = True if self.options.threaded_feed else None
        # a lost device is opened again as itself (never the demo fallback of the first open)
        options = SourceOptions(images=True, realtime=realtime, seed=choice.seed, pose_model=choice.pose_model)
        if self.options.threaded_feed and self.options.source_process:
            # every source the child can build (built-in, plugins, importable factories): in a child process
            # with the pipeline; a source registered here as a lambda or closure cannot go there, it runs here
            fallback = choice.fallback_spec(exercise)
            if runs_in_a_child(spec) and (fallback is None or runs_in_a_child(fallback)):
                remote = RemotePipeline()

                def in_child(spec: str, options: SourceOptions) -> Sensor:  # the game shows rgb; depth stays there
                    return ProcessSensor(spec, options, remote, images=("rgb",), nice=SOURCE_PROCESS_NICE).open()

                self.poses.start(
                    lambda: choice.open(exercise, realtime=realtime, opener=in_child),
                    reopen=lambda: in_child(spec, options),
                    pipeline=remote,
                )
                return
        self.poses.start(
            lambda: choice.open(exercise, realtime=realtime), reopen=lambda: open_source(spec, options).open()
        )

    @property
    def home(self) -> Path:
        from game.store import data_home

        return self.options.home or data_home()

    @property
    def home_is_real(self) -> bool:
        """False for the headless demo's in-memory profile (it lists and switches no profiles)."""
        return self.store.path is not None

    def switch_profile(self, name: str, create: bool = False) -> None:
        """Close the current profile and open ``name`` (its progress, history and settings)."""
        store = ProfileStore.open(name, self.home, create=create)
        self.store.close()
        self.store = store
        self.notices = list(store.notices)
        self.settings = Settings.load(store)
        assets.set_palette(self.settings.colour_blind)
        self.sound.volume, self.sound.muted = self.settings.volume, self.settings.muted
        self.reload_progress()

    def reload_progress(self) -> None:
        pack_id = self.options.pack.id
        self.session.best_stars = self.store.best_stars(pack_id)
        self.session.best_points = self.store.best_points(pack_id)

    def unlocked(self, level: Level) -> bool:
        if level.id in self.options.refused:
            return False
        return is_unlocked(level, self.session.best_stars)

    def level_after(self, level: Level) -> Level | None:
        """The next level in the pack, if it is open."""
        levels = self.options.pack.levels
        i = next(i for i, lv in enumerate(levels) if lv.id == level.id)
        return next((lv for lv in levels[i + 1 :] if self.unlocked(lv)), None)

    def cue(self, name: str) -> None:
        """Play a sound cue (its caption shows even without sound)."""
        self.sound.play(name, self.clock.wall_s)

    # -- events ------------------------------------------------------------------------
    def _on_quit(self, event: pygame.event.Event) -> None:
        self.running = False

    def _on_key(self, event: pygame.event.Event) -> None:
        if event.key == pygame.K_F12 and self.shots is not None:
            self.shots.save(self.screen, self.scene.name)
            return
        if event.key == pygame.K_F3:
            self.debug = not self.debug
            return
        self.scene.handle(event)

    def press(self, key: int) -> None:
        """Act as if ``key`` was pressed (gamepad, tests)."""
        self._on_key(pygame.event.Event(pygame.KEYDOWN, key=key))

    def _on_pad_button(self, event: pygame.event.Event) -> None:
        key = PAD_BUTTONS.get(event.button)
        if key is not None:
            self.press(key)

    def _on_pad_hat(self, event: pygame.event.Event) -> None:
        key = PAD_HAT.get(tuple(event.value))
        if key is not None:
            self.press(key)

    def _on_pad_added(self, event: pygame.event.Event) -> None:
        if pygame.joystick.get_init():
            self.pads.append(pygame.joystick.Joystick(event.device_index))

    def _on_resize(self, event: pygame.event.Event) -> None:
        w, h = max(event.w, MIN_WINDOW_PX[0]), max(event.h, MIN_WINDOW_PX[1])
        surface = pygame.display.get_surface()
        if surface is None or surface.get_size() != (w, h):
            flags = surface.get_flags() if surface is not None else 0
            surface = pygame.display.set_mode((w, h), flags | pygame.RESIZABLE)
        self.window = surface
        self.screen = canvas_for(surface)

    def quit(self) -> None:
        self.running = False

    def close_soon(self) -> None:
        """Quit after a short grace period (the results stay readable in screenshots)."""
        if self.closing_at_s is None:
            self.closing_at_s = self.clock.wall_s + CLOSING_GRACE_S

    # -- the loop ---------------------------------------------------------------------------------------------------
    def run(self, frames: Iterable[float], first: str = "title", **kwargs: Any) -> None:
        """Show scene ``first`` and run one :meth:`step` per frame until the app quits."""
        self.push(self.make(first, **kwargs))
        try:
            for wall_dt_s in frames:
                if not self.step(wall_dt_s):
                    break
        finally:
            self.close()

    def _draw_debug(self) -> None:
        """The F3 overlay on top of every scene over the play scene (countdown, rest, pause too)."""
        play = next((s for s in reversed(self.stack) if s.name == "play"), None)
        lines = getattr(play, "debug_lines", None)
        if lines is not None:
            hud.draw_debug(self.screen, lines(), hud.feed_area(self.screen))

    def step(self, wall_dt_s: float) -> bool:
        """One frame: events, update, draw. False once the app should stop."""
        now = time.perf_counter
        t0 = now()
        self.clock_ticks_s.append(t0)
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
        t1 = now()
        scene = self.scene
        scene.age_s += wall_dt_s
        scene.update(dt_s)
        self._check_deadline()
        if not self.running:
            return False
        t2 = now()
        self.scene.draw(self.screen)
        if self.debug:
            self._draw_debug()
        t3 = now()
        if self.screen is not self.window:  # a window smaller than the layout: the canvas scaled down
            scale = pygame.transform.smoothscale if self.window.get_bitsize() >= 24 else pygame.transform.scale
            scale(self.screen, self.window.get_size(), self.window)
        pygame.display.flip()
        t4 = now()
        if self.shots is not None:  # a copy of the frame; PNG encoding happens on the writer thread
            if self.shot_wanted:
                self.shots.save(self.screen, self.shot_wanted)
            else:
                self.shots.maybe_save(self.screen, self.scene.name, self.scene.age_s, self.scene.settle_s)
        self.shot_wanted = ""
        t5 = now()
        self.step_parts_ms = {"events": (t1 - t0) * 1000, "update": (t2 - t1) * 1000, "draw": (t3 - t2) * 1000,
                              "flip": (t4 - t3) * 1000, "shot": (t5 - t4) * 1000}  # fmt: skip
        self.frame_ms.append((t5 - t0) * 1000)
        return self.closing_at_s is None or self.clock.wall_s < self.closing_at_s

    def _reload_pack(self) -> None:
        """--watch: a changed pack goes back to the title with the new levels; errors show in the game."""
        assert self.options.watch is not None
        report = self.options.watch.poll()
        if report is None:
            return
        if report.pack is None:
            self.goto("pack-errors", lines=[str(p) for p in report.problems])
            return
        from game.session import refused_levels

        self.options = replace(self.options, pack=report.pack, refused=refused_levels(report.pack, self.options.source))
        self.reload_progress()
        self.goto("title")

    def close(self) -> None:
        """Leave every scene, close the pose service and write the screenshots; harmless twice."""
        while self.stack:
            self.pop()
        self.poses.close()
        self.poses.wait_closed()
        if self.shots is not None:
            self.shots.close()

    def _check_deadline(self) -> None:
        limit = self.options.seconds
        if limit is None or self.clock.wall_s < limit or self.closing_at_s is not None:
            return
        for scene in reversed(self.stack):
            stop = getattr(scene, "stop_level", None)
            if stop is not None:
                stop(reason="time box")
                return
        self.close_soon()


def canvas_for(window: pygame.Surface) -> pygame.Surface:
    """The surface the scenes draw on for ``window``: the window itself when it is at least
    :data:`assets.SCREEN_SIZE_PX` (1280x720: every scene is laid out for that much room), else a canvas
    with the window's shape and pixel format, that size in both directions, shown scaled down."""
    w, h = window.get_size()
    min_w, min_h = assets.SCREEN_SIZE_PX
    if w >= min_w and h >= min_h:
        return window
    k = max(min_w / w, min_h / h)
    return pygame.Surface((max(min_w, round(w * k)), max(min_h, round(h * k))), 0, window)


def make_screen(size_px: tuple[int, int] = assets.SCREEN_SIZE_PX, title: str = "RepQuest") -> pygame.Surface:
    """Initialise pygame (display, fonts, joysticks) and open a resizable window."""
    pygame.display.init()
    pygame.font.init()
    with contextlib.suppress(pygame.error):
        pygame.joystick.init()
    pygame.display.set_caption(title)
    return pygame.display.set_mode(size_px, pygame.RESIZABLE)


def shutdown() -> None:
    from game import draw, hud

    draw.clear_caches()
    hud.clear_caches()
    assets.font.cache_clear()
    pygame.font.quit()
    if pygame.mixer.get_init():
        pygame.mixer.quit()
    pygame.display.quit()


__all__ = ["App", "GameOptions", "LevelResult", "Session", "make_screen", "shutdown"]
