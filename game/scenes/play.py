"""The play scene: camera feed, skeleton, HUD; feeds poses to the coach and the level run."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pygame

from game import assets, draw, hud
from game.engine_adapter import Coach, Cue, GameEvent, PartialDone, PhaseNow, ReadyNow, RepDone
from game.feed import PoseFeed
from game.scenes.base import Scene
from levels.run import LevelRun, Outcome
from levels.schema import Level
from sensors.pipeline import PipelineSensor
from sensors.pose import PoseFrame, TrackingState

if TYPE_CHECKING:
    from game.app import App

COUNTDOWN_S = 3.0  #: "3, 2, 1" before the level clock starts
GO_SHOWN_S = 0.8
LOST_BEFORE_PAUSE_S = 0.5  #: the player must be out of view this long before the game auto-pauses
CUE_SHOWN_S = 2.5
RESULTS_AFTER_S = 1.5  #: pause on the last rep before the results
IN_FORM_SHOWN_S = 0.5  #: a hold shows "in form" while its in-form time grew this recently


class PlayScene(Scene):
    name = "play"
    KEYS: ClassVar[dict[int, str]] = {pygame.K_ESCAPE: "pause", pygame.K_p: "pause", pygame.K_q: "stop_level"}

    def __init__(self, app: App, level: Level) -> None:
        super().__init__(app)
        self.level = level
        self.run = LevelRun(level)
        self.feed: PoseFeed | None = None
        self.coach: Coach | None = None
        self.frame: PoseFrame | None = None  #: newest frame from the sensor (what the engine sees)
        self.pipeline: PipelineSensor | None = None  #: the source behind the pose pipeline
        self.shown: PoseFrame | None = None  #: the pipeline's pose at the display time, drawn
        self._frame_arrived_s = 0.0
        self._image: pygame.Surface | None = None
        self._image_for: int = -1
        self.play_s = 0.0  #: game seconds since the level started (countdown included)
        self.lost_s = 0.0
        self.ready = False  #: the engine saw the ready pose; counting has started
        self.cue, self.cue_severity, self.cue_t_s = "", 0.0, -99.0
        self.phase = ""
        self.last_rep: RepDone | None = None
        self.last_rep_at_s = -99.0
        self.last_rep_points = 0.0  #: what the last rep earned (form score x combo multiplier)
        self.done_at_s: float | None = None
        self.source_label = ""
        self._screen_size: tuple[int, int] | None = None
        self.held_before_s = 0.0
        self.held_grew_at_s = -99.0  #: engine hold time from the countdown, not credited

    # -- lifecycle ------------------------------------------------------------------
    def enter(self) -> None:
        super().enter()
        if self.feed is None:
            threaded = self.app.options.threaded_feed
            # a real game plays files in real time; a stepped test reads one frame per game frame
            sensor = self.app.options.source.open(self.level.exercise, realtime=True if threaded else None)
            self.source_label = sensor.describe()
            self.pipeline = PipelineSensor(sensor).open()  # the engine and the skeleton see the pipeline's poses
            self.feed = PoseFeed(self.pipeline, threaded=threaded)
            self.coach = Coach(self.level.exercise, self.app.options.pack.exercises)

    def exit(self) -> None:
        if self.feed is not None:
            self.feed.close()

    # -- keys -----------------------------------------------------------------------
    def pause(self, reason: str = "") -> None:
        from game.scenes.pause import PauseScene

        self.app.push(PauseScene(self.app, self, reason))

    def stop_level(self) -> None:
        """End the level now (Q, or the demo's time box) and show the results."""
        self.run.stop()
        self._finish()

    # -- per frame ----------------------------------------------------------------
    def watch(self) -> PoseFrame | None:
        """Take the newest frame for display (also used by the pause scene); None when nothing new."""
        assert self.feed is not None
        frame = self.feed.poll()
        now_s = time.monotonic()
        if frame is not None:
            self.frame, self._frame_arrived_s = frame, now_s
        if self.frame is not None and self.pipeline is not None:  # the pose at the display time
            display_t_s = self.frame.t_s + (now_s - self._frame_arrived_s)
            self.shown = self.pipeline.predict(display_t_s) or self.frame
        return frame

    @property
    def player_in_view(self) -> bool:
        return self.frame is not None and self.frame.tracking is TrackingState.TRACKED and self.frame.has_player

    def update(self, dt_s: float) -> None:
        assert self.feed is not None
        assert self.coach is not None
        frame = self.watch()
        if self.frame is None:  # waiting for the camera: the countdown starts with the first frame
            if self.feed.ended:
                self.stop_level()
            return
        self.play_s += dt_s
        if frame is not None and self.run.outcome is Outcome.PLAYING:
            for event in self.coach.update(frame):
                self._on_event(event)
        if self.done_at_s is not None:
            if self.play_s - self.done_at_s >= RESULTS_AFTER_S:
                self._finish()
            return
        if self.feed.ended:
            self.stop_level()
            return
        self.lost_s = 0.0 if (self.frame is None or self.player_in_view) else self.lost_s + dt_s
        if self.lost_s >= LOST_BEFORE_PAUSE_S:
            self.lost_s = 0.0
            self.pause(reason="Step back into view")
            return
        if self.play_s < COUNTDOWN_S:
            self.held_before_s = self.coach.hold_in_form_s
        else:
            self.run.tick(dt_s)
            if self.level.goal.hold_s is not None:
                held_s = self.coach.hold_in_form_s - self.held_before_s
                if held_s > self.run.held_s:
                    self.held_grew_at_s = self.play_s
                self.run.add_hold(max(0.0, held_s - self.run.held_s), in_form=True)
        if self.run.outcome is not Outcome.PLAYING:
            self.done_at_s = self.play_s

    def _on_event(self, event: GameEvent) -> None:
        counting = self.play_s >= COUNTDOWN_S
        if isinstance(event, RepDone) and counting:
            self.last_rep_points = self.run.add_rep(event.score, event.good)
            self.last_rep, self.last_rep_at_s = event, self.play_s
            if event.cues:
                self._show_cue(event.cues[0], 0.8)
        elif isinstance(event, PartialDone) and counting:
            self.run.add_partial()
            self._show_cue("Partial rep - use the full range", 0.5)
        elif isinstance(event, Cue):
            self._show_cue(event.text, event.severity)
        elif isinstance(event, PhaseNow):
            self.phase = event.name
        elif isinstance(event, ReadyNow):
            self.ready = True

    def _show_cue(self, text: str, severity: float) -> None:
        if not self.cue:
            self.app.shot_wanted = "play-cue"  # the first form cue of the level makes a good picture
        self.cue, self.cue_severity, self.cue_t_s = text, severity, self.play_s

    def _finish(self) -> None:
        from game.scenes.results import ResultsScene

        frames = self.feed.frames_seen if self.feed is not None else 0
        result = self.app.record(self.run, self.source_label, frames)
        self.app.replace(ResultsScene(self.app, self.level, result))

    # -- drawing ----------------------------------------------------------------------
    def hud_state(self) -> hud.HudState:
        run, goal = self.run, self.level.goal
        if goal.reps is not None:
            count_text, count_label = f"{run.reps} / {goal.reps}", "REPS"
        else:
            count_text, count_label = f"{run.held_s:.0f} / {goal.hold_s:g} s", "HOLD"
        left = run.time_left_s
        time_text = hud.format_time(left if left is not None else run.elapsed_s)
        cue_age_s = self.play_s - self.cue_t_s
        banner = ""
        if self.play_s < COUNTDOWN_S:
            banner = str(int(COUNTDOWN_S - self.play_s) + 1)
        elif self.play_s < COUNTDOWN_S + GO_SHOWN_S:
            banner = "GO!"
        elif not self.ready:
            banner = {
                "side": "Stand side-on to the camera",
                "front": "Stand facing the camera",
            }.get(self.level.view, "Get into the start position")
        elif run.outcome is Outcome.COMPLETED:
            banner = "Level complete!"
        elif run.outcome is Outcome.TIME_UP:
            banner = "Time!"
        rep = self.last_rep
        return hud.HudState(
            title=self.level.title,
            exercise=self.level.exercise,
            count_text=count_text,
            count_label=count_label,
            progress=run.progress,
            time_text=time_text,
            time_urgent=left is not None and left < 10,
            points=round(run.points),
            multiplier=run.multiplier,
            combo=run.combo,
            last_rep_score=None if rep is None else rep.score,
            last_rep_good=rep is not None and rep.good,
            cue=self.cue if cue_age_s < CUE_SHOWN_S else "",
            cue_severity=self.cue_severity,
            cue_alpha=max(0.0, min(1.0, (CUE_SHOWN_S - cue_age_s) / 0.5)),
            phase=self.phase,
            view=self.coach.view if self.coach is not None else "",
            source=self.source_label,
            banner=banner,
            popup="" if rep is None else f"+{self.last_rep_points:.0f}",  # the points added to the score
            popup_age_s=self.play_s - self.last_rep_at_s,
            popup_xy=self._beside_player(),
            hold=goal.hold_s is not None,
            in_form=self.play_s - self.held_grew_at_s < IN_FORM_SHOWN_S,
        )

    def _beside_player(self) -> tuple[float, float] | None:
        """A screen point right of the player's shoulders, for the rep popup."""
        frame = self.frame
        if frame is None or not frame.visible.any() or self._screen_size is None:
            return None
        rect = draw.fit_rect(frame.image_size_px, hud.feed_area_for(self._screen_size))
        xy = draw.to_screen(frame.image_xy_px[frame.visible], frame.image_size_px, rect)
        return float(np.nanmax(xy[:, 0]) + 110), float(np.nanmin(xy[:, 1]) + 40)

    def draw(self, surface: pygame.Surface) -> None:
        self._screen_size = surface.get_size()
        area = hud.feed_area(surface)
        surface.fill((8, 8, 14), area)
        frame = self.frame
        if frame is None:
            draw.backdrop(surface, area)
            draw.text(surface, "Waiting for the camera...", 40, assets.TEXT_DIM, area.center, "center")
        else:
            rect = draw.fit_rect(frame.image_size_px, area)
            if frame.rgb is not None:
                if self._image_for != frame.index or self._image is None:
                    self._image = draw.rgb_surface(frame.rgb, rect.size)
                    self._image_for = frame.index
                surface.blit(self._image, rect.topleft)
            else:
                draw.backdrop(surface, rect)
            draw.draw_skeleton(surface, self.shown if self.shown is not None else frame, rect)
        state = self.hud_state()
        hud.draw_overlays(surface, state, area)
        hud.draw_sidebar(surface, state)
