"""The play scene: camera feed, skeleton, HUD; feeds poses to the coach and the level run.

The engine's events are dispatched through :attr:`PlayScene.ON_EVENT`
(event type -> method). Every counted rep is written to the profile in its
own transaction as it happens. Scenes shown over this one, through the
scene table: the countdown before the level clock starts, the rest between
stages and rounds, and the pause scene when the player leaves or the sensor
fails (reps are kept).
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pygame

import exercises as ex
from game import assets, draw, hud
from game.engine_adapter import Coach, player_calibration, rep_record, severity, worst_cue, worst_faults
from game.feed_image import CameraFeed
from game.form_limbs import limb_faults
from game.outcome import LevelResult
from game.scenes.base import Scene
from levels.model import Level
from levels.run import Outcome, RunStatus, start_run
from sensors.pose import PoseFrame, TrackingState

if TYPE_CHECKING:
    from game.app import App

GO_SHOWN_S = 0.8  #: "GO!" after the countdown
LOST_BEFORE_PAUSE_S = 0.5  #: the player must be out of view this long before the game auto-pauses
CUE_SHOWN_S = 2.5
CUE_MIN_GAP_S = 1.5  #: one short cue at a time: a new cue waits this long unless it is more severe
RESULTS_AFTER_S = 1.5  #: pause on the last rep before the results
IN_FORM_SHOWN_S = 0.5  #: a hold shows "in form" while its in-form time grew this recently
SIDEBAR_TEXT_W_PX = 280  #: the sidebar's title lines are cut to this width
#: a frame stamped less than this long before now is taken to be on the monotonic clock
MONOTONIC_AGE_MAX_S = 1.0
OUTCOME_WORDS = {Outcome.COMPLETED: "completed", Outcome.TIME_UP: "time up"}


class PlayScene(Scene):
    name = "play"
    KEYS: ClassVar[dict[int, str]] = {pygame.K_ESCAPE: "pause", pygame.K_p: "pause", pygame.K_q: "quit_level"}
    #: engine event type -> method name
    ON_EVENT: ClassVar[dict[type, str]] = {
        ex.RepCompleted: "_on_rep",
        ex.PartialRep: "_on_partial",
        ex.FormCue: "_on_cue",
        ex.Ready: "_on_ready",
    }

    def __init__(self, app: App, level: Level) -> None:
        super().__init__(app)
        self.level = level
        self.run = start_run(level)  #: the level's mode (classic, timed, circuit, intervals, boss)
        self.exercise = self.run.exercise  #: the exercise the coach and the sensor follow now
        self.coach_held_s = 0.0  #: the coach's in-form hold time already credited
        self.stage_key = (self.run.stage_index, self.run.round, self.run.resting)
        self.boss_popup = ""  #: "-87" damage or "+30" heal, shown by the boss bar
        self.boss_popup_at_s = -99.0
        self.coach: Coach | None = None
        self.frame: PoseFrame | None = None  #: newest frame from the sensor (what the engine sees)
        self.shown: PoseFrame | None = None  #: the pipeline's pose at the display time, drawn
        self._frame_arrived_s = 0.0
        #: the camera picture and skeleton: the picture made for the screen in the source's process (real-time game)
        self.camera = CameraFeed(app)
        self.play_s = 0.0  #: game seconds since the level started (countdown included)
        self.lost_s = 0.0
        self.ready = False  #: the engine saw the ready pose; counting has started
        self.cue, self.cue_severity, self.cue_t_s = "", 0.0, -99.0
        self.cue_limbs: dict[tuple[int, int], int] = {}  #: skeleton edge -> fault level, for the shown cue
        self.last_rep: ex.RepResult | None = None
        self.last_rep_at_s = -99.0
        self.last_rep_points = 0.0  #: what the last rep earned (form score x combo multiplier)
        self.done_at_s: float | None = None
        self.source_label = ""
        self.session_id: int | None = None
        self.rep_index = 0  #: reps stored for this session (survives a reconnect)
        self.faults: dict[str, int] = {}
        self.partial_t_s: list[float] = []  #: the engine times of the partials still counted as partials
        self.generation = -1  #: the pose service's sensor generation this coach belongs to
        self.stopped_by = ""
        self._screen_size: tuple[int, int] | None = None
        self.held_grew_at_s = -99.0
        self.counted_down = False  #: the countdown scene has run: the level clock may start
        self._rest_seen_s = 0.0
        self._beside_key: tuple[int, int, tuple[int, int]] | None = None
        self._beside: tuple[float, float] | None = None

    # -- lifecycle ------------------------------------------------------------------
    def enter(self) -> None:
        super().enter()
        if self.session_id is None:
            pack = self.app.options.pack
            self.app.use_source_for(pack.demo_motion(self.exercise))
            ex.load_library()  # parsed once here, not on the game frame the first pose arrives on
            self.session_id = self.app.store.start_session(
                pack.id, self.level.id, self.level.mode, self.app.source_spec
            )

    def exit(self) -> None:
        self.camera.close()

    def _new_coach(self, same_sensor: bool = False) -> None:
        """A coach for the exercise now, for a new sensor (after a reconnect: its clock restarts) or a new stage."""
        saved = self.app.store.settings().get("calibration")
        self.coach = Coach(self.exercise, self.app.options.pack.exercises, player_calibration(saved))
        self.app.poses.set_holds(self.coach.is_hold)  # the tracker's hold mode steadies held poses
        self.coach_held_s = 0.0
        self.ready = False
        if not same_sensor:
            self.generation = self.app.poses.generation
            self.source_label = self.app.poses.label

    def _follow(self, exercise: str) -> None:
        """A new stage: coach ``exercise``; the sensor changes only when its source does (the demo avatar)."""
        self.exercise = exercise
        before = self.app.source_spec
        self.app.use_source_for(self.app.options.pack.demo_motion(exercise))
        if self.app.source_spec == before:
            self._new_coach(same_sensor=True)

    # -- keys -----------------------------------------------------------------------
    def pause(self, reason: str = "", kind: str = "manual") -> None:
        self.app.cue("pause")
        self.app.open_over("pause", held=self, reason=reason, kind=kind)

    def quit_level(self) -> None:
        self.stop_level(reason="player")

    def stop_level(self, reason: str = "player") -> None:
        """End the level now (Q, or the demo's time box) and show the results."""
        self.stopped_by = reason if self.run.outcome is Outcome.PLAYING else ""
        self.run.stop()
        self._finish()

    # -- per frame ----------------------------------------------------------------
    def watch(self) -> PoseFrame | None:
        """Take the newest frame for display (also used by the pause scene); None when nothing new."""
        frame = self.app.poses.poll()
        now_s = time.monotonic()
        if frame is not None:
            if self.app.poses.generation != self.generation:
                self._new_coach()
            self.frame, self._frame_arrived_s = frame, now_s
        if self.frame is not None:  # the pipeline's pose at the display time
            display_t_s = display_time_s(self.frame.t_s, now_s, self._frame_arrived_s)
            self.shown = self.app.poses.predict(display_t_s) or self.frame
        return frame

    @property
    def player_in_view(self) -> bool:
        return self.frame is not None and self.frame.tracking is TrackingState.TRACKED and self.frame.has_player

    def update(self, dt_s: float) -> None:
        poses = self.app.poses
        frame = self.watch()
        if poses.error or poses.disconnected:  # the sensor reconnects by itself meanwhile
            self.pause(reason="The camera stopped", kind="sensor")
            return
        if self.frame is None or self.coach is None:  # waiting for the camera: the countdown starts with it
            if poses.ended:
                self.stop_level(reason="source ended")
            return
        if not self.counted_down:
            if self.app.scene is self:
                self.app.open_over("countdown", held=self)
            return
        self.play_s += dt_s
        if frame is not None and self.run.outcome is Outcome.PLAYING:
            events = self.coach.update(frame)
            worst = worst_cue(events)
            for event in events:
                if isinstance(event, ex.FormCue) and event is not worst:
                    continue
                method = self.ON_EVENT.get(type(event))
                if method is not None:
                    getattr(self, method)(event)
        if self.done_at_s is not None:
            if self.play_s - self.done_at_s >= RESULTS_AFTER_S:
                self._finish()
            return
        if poses.ended:
            self.stop_level(reason="source ended")
            return
        # a rest is for walking about: only leaving while working pauses
        self.lost_s = 0.0 if self.player_in_view or self.run.resting else self.lost_s + dt_s
        if self.lost_s >= LOST_BEFORE_PAUSE_S:
            self.lost_s = 0.0
            self.pause(reason="Step back into view", kind="away")
            return
        held_s = self.coach.hold_in_form_s - self.coach_held_s  # in form since the last frame
        self.coach_held_s = self.coach.hold_in_form_s
        self.run.tick(dt_s)
        if self.coach.is_hold and held_s > 0:
            self.held_grew_at_s = self.play_s
            self.run.add_hold(held_s, in_form=True)
        if self.run.outcome is not Outcome.PLAYING:
            self.done_at_s = self.play_s
            self.app.cue("level_end")
            return
        key = (self.run.stage_index, self.run.round, self.run.resting)
        if key != self.stage_key:
            if self.run.resting or key[:2] != self.stage_key[:2]:
                self.app.cue("stage_end")
            self.stage_key = key
        if self.run.exercise != self.exercise:
            self._follow(self.run.exercise)
        if self.run.resting and self.app.scene is self:
            self.app.open_over("rest", held=self)

    def warm_up(self) -> None:
        """During the countdown: show the newest frame and let the coach see the ready pose (nothing counts)."""
        frame = self.watch()
        if frame is None or self.coach is None:
            return
        for event in self.coach.update(frame):
            if isinstance(event, ex.Ready):
                self._on_ready(event)
        self.coach_held_s = self.coach.hold_in_form_s  # the countdown's hold time is not credited

    def skip_rest(self) -> None:
        """End the rest now (the level clock does not jump)."""
        if self.run.resting:
            self.run.rest_left_s = 0.0
            self.run.tick(1e-3)

    # -- engine events (through ON_EVENT) ------------------------------------------------
    def _on_rep(self, event: ex.RepCompleted) -> None:
        rep = event.rep
        health = self.run.boss_health
        self.last_rep_points = self.run.add_rep(rep.score, rep.good)
        if health is not None and self.run.boss_health is not None and self.run.boss_health != health:
            change = self.run.boss_health - health
            self.boss_popup, self.boss_popup_at_s = f"{change:+.0f} HP", self.play_s
        self.last_rep, self.last_rep_at_s = rep, self.play_s
        if rep.shallow:
            self._take_back_partial(rep)
        self.rep_index += 1
        record = rep_record(rep, self.run.elapsed_s)
        if self.session_id is not None:
            self.app.store.add_rep(self.session_id, replace(record, index=self.rep_index))
        for cue in record.faults:
            self.faults[cue] = self.faults.get(cue, 0) + 1
        faults = worst_faults(rep)
        if faults:  # said after the rep, so say which rep it was about
            limbs = self._limbs((f.rule_id, f.severity) for f in faults)
            self._show_cue(f"Rep {self.run.reps}: {faults[0].cue}", severity(faults[0].severity), force=True,
                           limbs=limbs)  # fmt: skip
            self.app.cue("fault")
        else:
            self.app.cue("good_rep" if rep.good else "rep")

    def _on_partial(self, event: ex.PartialRep) -> None:
        self.run.add_partial()
        self.partial_t_s.append(event.t_s)
        self._show_cue("Partial rep - use the full range", 0.5)

    def _take_back_partial(self, rep: ex.RepResult) -> None:
        """A partial the engine now counts as a shallow rep (this player's range, :mod:`exercises.shallow`)
        is a rep, not a partial: the run's count and the partial cue still showing are taken back."""
        within = [t for t in self.partial_t_s if rep.start_t_s - 1e-6 <= t <= rep.end_t_s + 1e-6]
        if not within:
            return
        self.partial_t_s.remove(within[0])
        self.run.take_back_partial()
        if self.cue.startswith("Partial rep"):
            self.cue, self.cue_severity, self.cue_t_s = "", 0.0, -99.0

    def _on_cue(self, event: ex.FormCue) -> None:
        self._show_cue(event.cue, severity(event.severity), limbs=self._limbs([(event.rule_id, event.severity)]))

    def _limbs(self, faults: Iterable[tuple[str, ex.Severity]]) -> dict[tuple[int, int], int]:
        """The limbs the faults are about (drawn dashed while their cue shows)."""
        return limb_faults(self.coach.definition, faults) if self.coach is not None else {}

    def _on_ready(self, event: ex.Ready) -> None:
        self.ready = True

    def _show_cue(
        self, text: str, level: float, force: bool = False, limbs: dict[tuple[int, int], int] | None = None
    ) -> None:
        """One cue at a time: a new one replaces the shown one after CUE_MIN_GAP_S, or sooner if more severe."""
        age_s = self.play_s - self.cue_t_s
        if not force and age_s < CUE_MIN_GAP_S and level <= self.cue_severity and text != self.cue:
            return
        if not self.cue:
            self.app.shot_wanted = "play-cue"  # the first form cue of the level makes a good picture
        self.cue, self.cue_severity, self.cue_t_s = text, level, self.play_s
        self.cue_limbs = limbs or {}

    @property
    def fault_limbs(self) -> dict[tuple[int, int], int]:
        """The limbs the shown cue is about (empty once the cue has gone)."""
        return self.cue_limbs if self.play_s - self.cue_t_s < CUE_SHOWN_S else {}

    def _finish(self) -> None:
        run, app = self.run, self.app
        if self.done_at_s is None or self.stopped_by:
            app.cue("level_end")
        outcome = OUTCOME_WORDS.get(run.outcome, "stopped")
        previous = app.session.best_points.get(self.level.id, 0)
        points = round(run.points)
        if self.session_id is not None:
            app.store.end_session(self.session_id, outcome, points, run.stars, run.elapsed_s)
        result = LevelResult(
            self.level.id, self.level.title, ", ".join(self.level.exercises), self.source_label or app.source_spec,
            outcome, run.reps, run.good_reps, run.partials, run.held_s, points, run.stars, run.best_combo,
            run.mean_score, app.poses.frames_seen, hold=all(s.goal.is_hold for s in self.level.stages),
            mode=self.level.mode,
            duration_s=run.elapsed_s, rep_scores=tuple(run.rep_scores), faults=dict(self.faults),
            personal_best=points > previous and run.outcome is Outcome.COMPLETED, previous_best=previous,
            stopped_by=self.stopped_by,
        )  # fmt: skip
        app.session.results.append(result)
        app.reload_progress()
        self.session_id = None
        app.goto("results", level=self.level, result=result)

    # -- drawing ----------------------------------------------------------------------
    def banner(self) -> str:
        if self.frame is None:
            return ""
        run = self.run
        if not self.counted_down:  # the countdown scene draws its own
            return ""
        if self.play_s < GO_SHOWN_S:
            return "GO!"
        if run.outcome is Outcome.COMPLETED:
            return "Boss defeated!" if self.level.mode == "boss" else "Level complete!"
        if run.outcome is Outcome.TIME_UP:
            return "Time!"
        if run.resting:  # the rest scene says what is next
            return ""
        if not self.ready:
            return self.position_hint()
        return ""

    def position_hint(self) -> str:
        """How to stand for this level (its view hint)."""
        return {"side": "Stand side-on to the camera", "front": "Stand facing the camera"}.get(
            self.level.view, "Get into the start position"
        )

    def hud_state(self) -> hud.HudState:
        run = self.run
        status = run.status()
        hold = self.coach.is_hold if self.coach is not None else run.stage.goal.is_hold
        goal = run.stage.goal
        count_text = status.goal_text.replace(" reps", "").replace(" good", "") or f"{run.reps}"
        count_label = "HOLD" if hold else ("GOOD REPS" if goal.good_reps is not None else "REPS")
        if status.resting:
            count_text, count_label = f"{math.ceil(status.rest_left_s)} s", "REST"
        left = status.time_left_s
        cue_age_s = self.play_s - self.cue_t_s
        rep = self.last_rep
        return hud.HudState(
            title=hud.fit_text(self.level.title, 40, SIDEBAR_TEXT_W_PX, keep="start"),
            exercise=hud.fit_text(run.exercise, 26, SIDEBAR_TEXT_W_PX, keep="start"),
            count_text=count_text,
            count_label=count_label,
            progress=status.stage_progress if len(self.level.stages) > 1 or status.rounds > 1 else status.progress,
            time_text=hud.format_time(left if left is not None else status.elapsed_s),
            time_urgent=left is not None and left < 10,
            points=round(status.points),
            multiplier=status.multiplier,
            combo=status.combo,
            last_rep_score=None if rep is None else rep.score,
            last_rep_good=rep is not None and rep.good,
            cue=self.cue if cue_age_s < CUE_SHOWN_S else "",
            cue_severity=self.cue_severity,
            cue_alpha=max(0.0, min(1.0, (CUE_SHOWN_S - cue_age_s) / 0.5)),
            phase=self.coach.phase if self.coach is not None else "",
            view=self.coach.view if self.coach is not None else "",
            source=self.source_label or self.app.source_spec,
            banner=self.banner(),
            popup="" if rep is None else f"+{self.last_rep_points:.0f}",
            popup_age_s=self.play_s - self.last_rep_at_s,
            popup_xy=self._beside_player(),
            hold=hold,
            in_form=self.play_s - self.held_grew_at_s < IN_FORM_SHOWN_S,
            caption=self.app.sound.caption_now(self.app.clock.wall_s),
            large_text=self.app.settings.large_text,
            mode=status.mode,
            headline=status.headline,
            stage_text=_stage_text(status),
            resting=status.resting,
            rest_left_s=status.rest_left_s,
            rest_total_s=self._rest_total_s(),
            time_clock=self.level.mode == "timed" or (self.level.mode == "boss" and left is not None),
            boss_name=self.level.boss.name if self.level.boss is not None and status.boss_health is not None else "",
            boss_health=status.boss_health,
            boss_max_health=status.boss_max_health,
            special_charge=status.special_charge,
            boss_popup=self.boss_popup if self.play_s - self.boss_popup_at_s < 1.2 else "",
            boss_popup_age_s=self.play_s - self.boss_popup_at_s,
            hold_progress=status.stage_progress if hold and not status.resting else None,
        )

    def _rest_total_s(self) -> float:
        """The length of the rest now (for the rest ring): the longest rest seen since it began."""
        if not self.run.resting:
            self._rest_seen_s = 0.0
            return 0.0
        self._rest_seen_s = max(self._rest_seen_s, self.run.rest_left_s)
        return self._rest_seen_s

    def debug_lines(self) -> list[str]:
        """The F3 overlay: engine phase and view, frame rate, inference, pipeline (per stage) and latency."""
        ms = self.app.frame_ms
        fps = 1000.0 / (sum(ms) / len(ms)) if ms else 0.0
        ticks = self.app.clock_ticks_s
        if len(ticks) >= 2 and ticks[-1] > ticks[0]:  # frames drawn per wall second, not 1 / step time
            fps = (len(ticks) - 1) / (ticks[-1] - ticks[0])
        frame = self.frame
        inference = frame.meta.get("inference_ms") if frame is not None else None
        stages = self.app.poses.stage_ms
        total = stages.pop("total", None)
        latency = "n/a"
        if frame is not None:
            age_s = time.monotonic() - frame.t_s
            if 0 <= age_s < MONOTONIC_AGE_MAX_S:  # a live source stamps frames with the monotonic clock
                latency = f"{age_s * 1000:.0f} ms"
        step = f"{np.percentile(ms, 50):.1f} / {max(ms):.1f} ms" if ms else "-"
        parts = "  ".join(f"{name} {v:.1f}" for name, v in stages.items())
        return [
            f"phase: {self.coach.phase if self.coach else '-'}   view: {self.coach.view if self.coach else '-'}",
            f"render: {fps:.0f} fps  frame p50/max {step}",
            f"inference: {f'{inference:.1f} ms' if isinstance(inference, float | int) else 'n/a (no model)'}"
            f"   pipeline: {f'{total:.2f} ms' if total is not None else 'n/a'}",
            f"  {parts}" if parts else "  (no pipeline stages yet)",
            f"end-to-end latency: {latency}   frames: {self.app.poses.frames_seen}",
        ]

    def _beside_player(self) -> tuple[float, float] | None:
        """A screen point right of the player's shoulders, for the rep popup (worked out once per frame)."""
        frame = self.frame
        if frame is None or not frame.visible.any() or self._screen_size is None:
            return None
        key = (self.generation, frame.index, self._screen_size)
        if key != self._beside_key:
            self._beside_key, self._beside = key, self._beside_now(frame)
        return self._beside

    def _beside_now(self, frame: PoseFrame) -> tuple[float, float] | None:
        assert self._screen_size is not None
        rect = draw.fit_rect(frame.image_size_px, hud.feed_area_for(self._screen_size))
        if self.app.settings.mirror:
            frame = draw.mirrored(frame)
        xy = draw.to_screen(frame.image_xy_px[frame.visible], frame.image_size_px, rect)
        return float(np.nanmax(xy[:, 0]) + 110), float(np.nanmin(xy[:, 1]) + 40)

    def draw(self, surface: pygame.Surface) -> None:
        self._screen_size = surface.get_size()
        area = hud.feed_area(surface)
        frame = self.frame
        self.camera.draw(surface, area, frame, self.shown, faulty=self.fault_limbs)
        if frame is None:
            waiting = "Opening the camera..." if self.app.poses.opening else "Waiting for the camera..."
            draw.text(surface, waiting, 40, assets.TEXT_DIM, area.center, "center")
        state = self.hud_state()
        hud.draw_overlays(surface, state, area)
        hud.draw_sidebar(surface, state)  # the F3 overlay is drawn by the app, on top of any scene over this one


def display_time_s(frame_t_s: float, now_s: float, arrived_s: float) -> float:
    """The display time in the frame's clock: ``now_s`` when the source stamps frames with the monotonic
    clock (a camera, the real-time demo; the capture-to-pose latency is then made up for too), else the
    frame's time plus how long ago it arrived (a file or a test source with its own clock)."""
    age_s = now_s - frame_t_s
    return now_s if 0.0 <= age_s < MONOTONIC_AGE_MAX_S else frame_t_s + (now_s - arrived_s)


def _stage_text(status: RunStatus) -> str:
    """E.g. "Stage 2/3", "Round 3/8", "Round 2/3 - station 1/4" ("" for a one-stage level)."""
    parts = []
    if status.rounds > 1:
        parts.append(f"Round {status.round}/{status.rounds}")
    if status.stage_count > 1:
        parts.append(f"{'station' if status.rounds > 1 else 'Stage'} {status.stage_number}/{status.stage_count}")
    return " - ".join(parts)
