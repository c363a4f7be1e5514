"""Best stars survive between sessions; a broken progress file never stops the game."""

from __future__ import annotations

from pathlib import Path

from game.progress import load_stars, save_stars


def test_saved_stars_load_back_per_pack(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    assert save_stars("starter", {"first-squats": 2}, path)
    assert save_stars("mine", {"one": 3}, path)
    assert load_stars("starter", path) == {"first-squats": 2}
    assert load_stars("mine", path) == {"one": 3}


def test_a_worse_result_keeps_the_best(tmp_path: Path) -> None:
    path = tmp_path / "progress.json"
    save_stars("starter", {"first-squats": 3}, path)
    save_stars("starter", {"first-squats": 1}, path)
    assert load_stars("starter", path) == {"first-squats": 3}


def test_missing_or_corrupt_file_means_no_progress(tmp_path: Path) -> None:
    assert load_stars("starter", tmp_path / "nothing.json") == {}
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert load_stars("starter", bad) == {}
    assert save_stars("starter", {"a": 1}, bad)
    assert load_stars("starter", bad) == {"a": 1}


def test_valid_json_of_the_wrong_shape_means_no_progress(tmp_path: Path) -> None:
    odd = tmp_path / "odd.json"
    for text in ('{"stars": [3, 2]}', '{"stars": "lots"}', "[1, 2]", "null"):
        odd.write_text(text, encoding="utf-8")
        assert load_stars("starter", odd) == {}, text
        assert save_stars("starter", {"a": 2}, odd), text
        assert load_stars("starter", odd) == {"a": 2}, text


def test_unwritable_place_is_reported_not_raised(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert not save_stars("starter", {"a": 1}, blocker / "sub" / "progress.json")


def test_stars_earned_in_one_session_unlock_the_next_level_in_the_next(tmp_path: Path) -> None:
    from game.app import App, GameOptions, make_screen, shutdown
    from game.source_choice import SourceChoice
    from levels import load_builtin
    from levels.run import start_run

    pack = load_builtin()
    first, second = pack.levels[0], pack.levels[1]
    options = GameOptions(pack=pack, source=SourceChoice(None), progress_file=tmp_path / "progress.json")
    screen = make_screen()
    try:
        app = App(screen, options)
        assert not app.unlocked(second)
        run = start_run(first)
        for _ in range(first.goal.reps or 0):
            run.add_rep(100, good=True)
        assert run.stars >= second.unlock.stars
        app.record(run, "test", 0)
        assert App(screen, options).unlocked(second)
    finally:
        shutdown()
