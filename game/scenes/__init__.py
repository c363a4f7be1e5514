"""The game's screens: title/level select, play, pause and results."""

from game.scenes.base import Scene
from game.scenes.pause import PauseScene
from game.scenes.play import PlayScene
from game.scenes.results import ResultsScene
from game.scenes.title import TitleScene

__all__ = ["PauseScene", "PlayScene", "ResultsScene", "Scene", "TitleScene"]
