"""Every scene drawn and saved as a screenshot (checked for content); hands-free, gamepad, resize, structure."""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game import handsfree
from game.app import make_screen, shutdown
from game.outcome import LevelResult
from game.poses import PoseService
from game.scenes import SCENES
from game.store import ProfileStore, RepRecord
from levels import load_builtin
from levels.model import Goal, Level, Stage
from sensors.registry import SourceOptions, open_source
from tests.game_helpers import DT_S, check_screenshot, make_app, past_countdown, scripted_sources, steps, until

__all__ = ["scripted_sources"]

SHOTS = Path(__file__).resolve().parents[1] / "out" / "test-screenshots"
SIDEBAR = (0, 0, 320, 720)


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    surface = make_screen()
    yield surface
    shutdown()


def _shot(app, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    pygame.image.save(app.screen, str(path))
    return path


def _result(level_id: str = "first-squats") -> LevelResult:
    return LevelResult(
        level_id, "First Squats", "squat", "synthetic:squat", "completed", 5, 3, 1, 0.0, 612, 2, 2, 81.0, 300,
        duration_s=31.0, rep_scores=(95.0, 62.0, 90.0, 55.0, 97.0),
        faults={"Push your knees out": 2, "Keep your chest up": 1}, personal_best=True, previous_best=540,
    )  # fmt: skip


def _store_with_history(tmp_path: Path) -> ProfileStore:
    store = ProfileStore.open("Ann", tmp_path)
    for k, (points, stars) in enumerate(((380, 1), (520, 1), (640, 2), (702, 2))):
        sid = store.start_session("starter", "first-squats")
        for i in range(1, 6):
            faults = ("Push your knees out",) if (i + k) % 3 == 0 else ()
            store.add_rep(sid, RepRecord(i, 5.0 * i, 70.0 + 5 * k + i, not faults, faults, 85.0, 2.5, 1.2, 1.3))
        store.end_session(sid, "completed", points, stars, 35.0)
    return store


def test_every_scene_draws_a_screenshot_with_content(screen: pygame.Surface, tmp_path: Path) -> None:
    store = _store_with_history(tmp_path)
    app = make_app(screen, "synthetic:squat,reps=0", store=store)
    level = load_builtin().levels[0]
    drawn: set[str] = set()
    try:
        for name, kwargs, regions in (
            ("title", {}, {"menu": (430, 190, 420, 400)}),
            ("profiles", {}, {"list": (380, 160, 520, 140)}),
            ("levels", {}, {"rows": (120, 120, 1040, 300)}),
            ("setup", {"level": level}, {"picture": (40, 130, 600, 480), "required pose": (670, 130, 210, 210),
                                         "checks": (670, 360, 560, 180)}),
            ("calibrate", {}, {"picture": (40, 140, 600, 480)}),
            ("history", {}, {"chart": (40, 120, 1200, 250), "table": (40, 390, 1200, 200)}),
            ("settings", {}, {"rows": (260, 120, 760, 480)}),
            ("pack-errors", {"lines": ["legs.yaml:7:15: error: expected an exercise, found 'sqat'; "
                                       "did you mean 'squat'?"]}, {"lines": (40, 180, 1000, 60)}),
            ("results", {"level": level, "result": _result()},
             {"chart": (40, 440, 580, 150), "stars": (440, 170, 400, 110)}),
        ):  # fmt: skip
            app.goto(name, **kwargs)
            steps(app, 0.9 if name == "setup" else 2.0)  # the camera check starts the level once all is well
            assert app.scene.name == name
            check_screenshot(_shot(app, name), regions)
            drawn.add(name)
        app.goto("play", level=level)
        steps(app, 1.2)
        assert app.scene.name == "countdown"
        check_screenshot(_shot(app, "countdown"), {"number": (1000, 220, 220, 220), "hint": (480, 16, 640, 110),
                                                   "sidebar": SIDEBAR})  # fmt: skip
        drawn.add("countdown")
        steps(app, 4.8)
        image = check_screenshot(_shot(app, "play"), {"sidebar": SIDEBAR, "feed": (320, 0, 960, 720)})
        gold = np.all(image[330:420, 20:300] == (255, 196, 0), axis=-1)  # the score in the sidebar, in gold
        assert gold.sum() > 50
        drawn.add("play")
        app.press(pygame.K_F3)
        steps(app, 0.2)
        check_screenshot(_shot(app, "play-debug"), {"overlay": (340, 168, 360, 96)})
        app.press(pygame.K_ESCAPE)
        steps(app, 0.5)
        check_screenshot(_shot(app, "pause"), {"box": (230, 140, 820, 440)})
        drawn.add("pause")
        app.goto("play", level=TWO_STAGES)
        until(app, "rest", 30.0)
        steps(app, 0.6)
        check_screenshot(_shot(app, "rest"), {"panel": (370, 506, 820, 190), "ring": (1110, 210, 140, 140)})
        drawn.add("rest")
    finally:
        app.close()
        store.close()
    assert drawn == set(SCENES)


TWO_STAGES = Level(id="two", title="Two stages", stars=(10, 20, 30),
                   stages=(Stage("squat", Goal(reps=1), rest_s=20.0), Stage("lunge", Goal(reps=2))))  # fmt: skip


def test_calibration_measures_the_player_and_the_engine_uses_it(screen: pygame.Surface) -> None:
    app = make_app(screen, "synthetic:squat,reps=0,tempo_s=60,noise_px=0.5")  # standing nearly still
    try:
        app.goto("calibrate")
        steps(app, 4.0)
        cal = app.store.settings()["calibration"]
        assert 0.3 < cal["segments_m"]["thigh"] < 0.6
        assert cal["neutral_deg"]["knee"] > 150
        app.goto("play", level=load_builtin().levels[0])
        steps(app, 0.5)
        engine = app.stack[0].coach.engine  # the play scene (its countdown is shown over it)
        assert engine.calibration is not None
        assert engine.calibration.segments_m["thigh"] == pytest.approx(cal["segments_m"]["thigh"])
    finally:
        app.close()


@pytest.mark.usefixtures("scripted_sources")
def test_a_raised_hand_confirms_on_the_results_screen(screen: pygame.Surface) -> None:
    app = make_app(screen, "raisedhand:squat,reps=0")
    level = load_builtin().levels[0]
    try:
        app.store.end_session(app.store.start_session("starter", level.id), "completed", 700, 2, 30.0)
        app.reload_progress()  # the next level is open
        app.goto("results", level=level, result=_result())
        app.use_source_for("squat")
        assert app.scene.menu.current.action == "next_level"
        steps(app, 0.5)
        assert app.scene.name == "results"  # not yet: the hand must stay up a second
        until(app, "play", 1.5)
        assert app.scene.level.id == load_builtin().levels[1].id
    finally:
        app.close()


@pytest.mark.usefixtures("scripted_sources")
def test_a_raised_hand_resumes_from_pause(screen: pygame.Surface) -> None:
    app = make_app(screen, "raisedhand:squat,reps=0")
    try:
        app.goto("play", level=load_builtin().levels[0])
        past_countdown(app)
        app.press(pygame.K_p)
        steps(app, 0.1)
        assert app.scene.name == "pause"
        assert app.scene.menu.current.action == "resume"
        until(app, "play", 2.0)
    finally:
        app.close()


@pytest.mark.usefixtures("scripted_sources")
def test_holding_a_hand_over_a_level_chooses_it(screen: pygame.Surface) -> None:
    app = make_app(screen, "pointat:0.5:0.2:squat,reps=0,tempo_s=60")  # over the first row of the level list
    try:
        app.goto("levels")
        app.scene.menu.selected = 3
        steps(app, 0.2)
        assert app.scene.menu.hands.pointer is not None
        until(app, "setup", 2.0)
        assert app.scene.level.id == load_builtin().levels[0].id
    finally:
        app.close()


def test_hanging_arms_choose_nothing() -> None:
    with open_source("synthetic:squat,reps=0,tempo_s=60", SourceOptions(seed=1)) as cam:
        hf = handsfree.HandsFree()
        for _ in range(90):
            frame = cam.read()
            assert frame is not None
            assert hf.update(frame, DT_S, [(0.0, 0.0, 1.0, 1.0)])[0] == ""
        assert handsfree.read_hands(frame).pointer_xy is None


def test_a_gamepad_navigates_and_confirms(screen: pygame.Surface) -> None:
    app = make_app(screen, "synthetic:squat,reps=0")
    try:
        app.goto("title")
        pygame.event.post(pygame.event.Event(pygame.JOYHATMOTION, value=(0, -1), joy=0, instance_id=0, hat=0))
        steps(app, 0.1)
        assert app.scene.menu.current.action == "profiles"
        pygame.event.post(pygame.event.Event(pygame.JOYHATMOTION, value=(0, 1), joy=0, instance_id=0, hat=0))
        pygame.event.post(pygame.event.Event(pygame.JOYBUTTONDOWN, button=0, joy=0, instance_id=0))
        steps(app, 0.1)
        assert app.scene.name == "levels"
    finally:
        app.close()


def test_the_window_can_be_resized_mid_level(screen: pygame.Surface) -> None:
    app = make_app(screen, "synthetic:squat,reps=0")
    try:
        app.goto("play", level=load_builtin().levels[0])
        steps(app, 0.5)
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=1600, h=900, size=(1600, 900)))
        steps(app, 0.5)
        assert app.screen.get_size() == (1600, 900)
        check = pygame.surfarray.array3d(app.screen)
        assert check[320:, :].std() > 10  # the feed fills the wider window
    finally:
        app.close()


def test_a_window_smaller_than_the_layout_shows_every_scene_scaled_down_not_clipped(screen: pygame.Surface) -> None:
    app = make_app(screen, "synthetic:squat,reps=0")
    try:
        app.goto("title")
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=800, h=480, size=(800, 480)))
        steps(app, 0.3)
        assert app.window.get_size() == (800, 480)
        assert app.screen.get_size() == (1280, 768)  # the scenes get the room they are laid out for
        canvas = pygame.Rect((0, 0), app.screen.get_size())
        assert all(canvas.contains(rect) for rect in app.scene.menu.rects)  # Quit too
        _shot(app, "title-small-canvas")
        title = pygame.surfarray.array3d(app.screen).swapaxes(0, 1)
        small = pygame.surfarray.array3d(app.window).swapaxes(0, 1)
        # the window shows the canvas scaled down: the gold title in the same place, at 800/1280 of the size
        gold = np.all(np.abs(title.astype(int) - (255, 196, 0)) < 40, axis=-1)
        gold_small = np.all(np.abs(small.astype(int) - (255, 196, 0)) < 40, axis=-1)
        assert gold_small.sum() == pytest.approx(gold.sum() * 0.625**2, rel=0.25)
        xs = np.nonzero(gold_small)[1]
        assert abs(xs.mean() - 400) < 10
        app.goto("play", level=load_builtin().levels[0])
        steps(app, 4.0)
        _shot(app, "play-small-canvas")
        window = pygame.surfarray.array3d(app.window).swapaxes(0, 1)
        assert window[:, :200].std() > 10  # the sidebar
        assert window[:, 200:].std() > 10  # the feed
        pygame.event.post(pygame.event.Event(pygame.VIDEORESIZE, w=1600, h=900, size=(1600, 900)))
        steps(app, 0.2)
        assert app.screen is app.window  # room enough: drawn on the window itself
    finally:
        app.close()


def test_scenes_never_import_each_other() -> None:
    folder = Path(__file__).resolve().parents[1] / "game" / "scenes"
    for path in folder.glob("*.py"):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("game.scenes."):
                allowed = node.module == "game.scenes.base" or (
                    node.module == "game.scenes.play"
                    and path.name in ("pause.py", "countdown.py", "rest.py")  # scenes held over play: typing only
                )
                assert allowed, f"{path.name} imports {node.module}"


def test_opening_a_source_does_not_block_the_caller() -> None:
    gate = threading.Event()

    def slow_open():
        gate.wait(10)
        return open_source("synthetic:squat,reps=0", SourceOptions(seed=1)).open()

    service = PoseService(threaded=True)
    service.start(slow_open)  # returns while the source is still opening
    assert service.opening
    assert service.poll() is None
    gate.set()
    frame = None
    for _ in range(400):
        frame = service.poll()
        if frame is not None:
            break
        threading.Event().wait(0.01)
    assert frame is not None
    service.close()  # returns at once; the sensor closes on its own thread
    service.wait_closed()
    assert service.poll() is None


def test_a_source_that_fails_to_open_is_an_error_line_not_an_exception() -> None:
    service = PoseService(threaded=False)
    service.start(lambda: open_source("video:/nonexistent/clip.mp4", SourceOptions()).open())
    assert service.error
    assert service.poll() is None
