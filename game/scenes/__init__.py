"""The game's screens, reached by name through :data:`SCENES` (``app.goto("play", level=...)``).

Scene modules never import each other; only this table knows them all.
"""

from game.scenes.base import Scene
from game.scenes.calibrate import CalibrateScene
from game.scenes.countdown import CountdownScene
from game.scenes.history import HistoryScene
from game.scenes.levels import LevelSelectScene
from game.scenes.pack_errors import PackErrorsScene
from game.scenes.pause import PauseScene
from game.scenes.play import PlayScene
from game.scenes.profiles import ProfileScene
from game.scenes.rest import RestScene
from game.scenes.results import ResultsScene
from game.scenes.settings import SettingsScene
from game.scenes.setup import SetupScene
from game.scenes.title import TitleScene

SCENES: dict[str, type[Scene]] = {
    scene.name: scene
    for scene in (
        TitleScene, ProfileScene, LevelSelectScene, SetupScene, CalibrateScene, CountdownScene, PlayScene,
        RestScene, PauseScene, ResultsScene, HistoryScene, SettingsScene, PackErrorsScene,
    )
}  # fmt: skip

__all__ = [
    "SCENES", "CalibrateScene", "CountdownScene", "HistoryScene", "LevelSelectScene", "PackErrorsScene", "PauseScene",
    "PlayScene", "ProfileScene", "RestScene", "ResultsScene", "Scene", "SettingsScene", "SetupScene", "TitleScene",
]  # fmt: skip
