"""Level packs: the format, a checker that reports like a compiler, the level logic of every mode, built-in packs.

    from levels import load_pack, start_run
    pack = load_pack("legs-day.yaml")        # PackError (a SpecError) lists every problem
    run = start_run(pack.levels[0])          # a LevelRun: feed reps, holds and time

The level-logic protocol is :class:`levels.protocol.LevelRun` (rules in ``levels.run``).
"""

from levels.checker import Report, check_file, check_text, load_pack
from levels.loader import builtin_pack_path, builtin_packs, find_level, load_builtin, pack_folders, user_pack_folder
from levels.model import FORMAT_VERSION, Boss, Circuit, Goal, Intervals, Level, Pack, Stage, Unlock
from levels.problems import PackError, Problem
from levels.protocol import LevelRun, Outcome, RunStatus
from levels.run import is_unlocked, start_run, unlock_text

__all__ = [
    "FORMAT_VERSION",
    "Boss",
    "Circuit",
    "Goal",
    "Intervals",
    "Level",
    "LevelRun",
    "Outcome",
    "Pack",
    "PackError",
    "Problem",
    "Report",
    "RunStatus",
    "Stage",
    "Unlock",
    "builtin_pack_path",
    "builtin_packs",
    "check_file",
    "check_text",
    "find_level",
    "is_unlocked",
    "load_builtin",
    "load_pack",
    "pack_folders",
    "start_run",
    "unlock_text",
    "user_pack_folder",
]
