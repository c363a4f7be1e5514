"""HUD text helpers: times and text that must fit its box."""

from __future__ import annotations

import pygame

from game import assets
from game.hud import fit_text, format_time


def test_time_text_rounds_up() -> None:
    assert format_time(75.2) == "1:16"
    assert format_time(0.0) == "0:00"


def test_long_text_is_shortened_to_fit() -> None:
    pygame.font.init()
    try:
        path = "video:/very/long/folder/name/that/goes/on/and/on/clip_squat_front.mp4"
        tail = fit_text(path, 20, 200)
        head = fit_text(path, 20, 200, keep="start")
        assert tail.startswith("...")
        assert tail.endswith("clip_squat_front.mp4")
        assert head.startswith("video:/")
        assert head.endswith("...")
        assert assets.font(20).size(tail)[0] <= 200
        assert fit_text("short", 20, 200) == "short"
    finally:
        assets.font.cache_clear()
        pygame.font.quit()
