"""The play screen's heads-up display: a sidebar of numbers and overlays on the camera feed."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import pygame

from game import assets, draw, skeleton

SIDEBAR_W_PX = 320


@dataclass(frozen=True)
class HudState:
    """Everything the HUD shows, assembled by the play scene each frame."""

    title: str
    exercise: str
    count_text: str  #: "3 / 5" or "12 / 30 s"
    count_label: str  #: "REPS" or "HOLD"
    progress: float  #: 0..1
    time_text: str  #: "0:42"
    time_urgent: bool
    points: int
    multiplier: float
    combo: int
    last_rep_score: float | None
    last_rep_good: bool
    cue: str  #: form cue to show now ("" for none)
    cue_severity: float
    cue_alpha: float  #: 0..1 fade
    phase: str
    view: str
    source: str
    banner: str  #: big centred text (countdown, "GO!", "Get into position") or ""
    popup: str  #: "+87": the points the last rep added to the score, or ""
    popup_age_s: float
    popup_xy: tuple[float, float] | None = None  #: screen point beside the player (None: feed centre)
    hold: bool = False  #: a hold level: show whether the hold is in form instead of combo and last rep
    in_form: bool = False
    caption: str = ""  #: the caption of the last sound cue ("[good rep!]"), shown with or without sound
    large_text: bool = False
    # -- the level's mode (levels.run.RunStatus) -----------------------------------------
    mode: str = "classic"
    headline: str = ""  #: the run's own short line, e.g. "Round 2/8 - work"
    stage_text: str = ""  #: "Stage 2/3", "Round 3/8 - station 1/2" ("" for one stage)
    resting: bool = False
    rest_left_s: float = 0.0
    rest_total_s: float = 0.0
    time_clock: bool = False  #: a timed challenge (or boss fight): a big clock on the feed
    boss_name: str = ""
    boss_health: float | None = None
    boss_max_health: float | None = None
    special_charge: float | None = None  #: 0..1
    boss_popup: str = ""  #: "-87 HP" (damage) or "+30 HP" (healed)
    boss_popup_age_s: float = 99.0
    hold_progress: float | None = None  #: 0..1 of a hold stage (None when not holding)


def feed_area(screen: pygame.Surface) -> pygame.Rect:
    """Where the camera feed goes: everything right of the sidebar."""
    return feed_area_for(screen.get_size())


def feed_area_for(size_px: tuple[int, int]) -> pygame.Rect:
    w, h = size_px
    return pygame.Rect(SIDEBAR_W_PX, 0, w - SIDEBAR_W_PX, h)


def _label(surface: pygame.Surface, text: str, x: float, y: float) -> None:
    draw.text(surface, text, 22, assets.TEXT_DIM, (x, y), shadow=False)


def draw_sidebar(surface: pygame.Surface, s: HudState) -> None:
    """The sidebar: its unchanging parts come from one cached surface, the numbers are drawn on top."""
    h = surface.get_height()
    x = 28
    palette = (assets.GOOD, assets.WARN, assets.BAD)
    surface.blit(_sidebar_base(h, s.title, s.exercise, s.count_label, s.hold, s.source, palette), (0, 0))
    draw.text(surface, s.count_text, 92, assets.TEXT, (x - 2, 148))
    draw.bar(surface, pygame.Rect(x, 222, SIDEBAR_W_PX - 2 * x, 14), s.progress, assets.ACCENT_2)
    draw.text(surface, s.time_text, 56, assets.BAD if s.time_urgent else assets.TEXT, (x, 276))
    draw.text(surface, f"{s.points:,}", 64, assets.ACCENT, (x, 356))
    if s.hold:
        colour, words = (assets.GOOD, "in form") if s.in_form else (assets.WARN, "not counting")
        draw.text(surface, words, 52, colour, (x, 440))
    else:
        _combo_and_last_rep(surface, s, x)
    if s.caption:  # every sound has a caption, shown here whether or not sound plays
        size_px = 30 if s.large_text else 24
        draw.text(surface, fit_text(s.caption, size_px, SIDEBAR_W_PX - 2 * x), size_px, assets.ACCENT_2, (x, h - 132))


@lru_cache(maxsize=4)
def _sidebar_base(
    h: int, title: str, exercise: str, count_label: str, hold: bool, source: str, palette: tuple[draw.Colour, ...]
) -> pygame.Surface:
    """The sidebar's background, titles, labels, legend and source line (redrawn only when one changes).

    ``palette`` is part of the key so that switching to the colour-blind palette redraws the legend.
    """
    base = pygame.Surface((SIDEBAR_W_PX, h))
    if pygame.display.get_surface() is not None:
        base = base.convert()
    base.blit(draw.gradient((SIDEBAR_W_PX, h), (18, 20, 38), (30, 22, 52)), (0, 0))
    pygame.draw.line(base, (70, 64, 120), (SIDEBAR_W_PX - 1, 0), (SIDEBAR_W_PX - 1, h), 2)
    x = 28
    draw.text(base, "REPQUEST", 24, assets.ACCENT, (x, 20), shadow=False)
    draw.text(base, title, 40, assets.TEXT, (x, 48))
    draw.text(base, exercise.replace("_", " "), 26, assets.TEXT_DIM, (x, 84), shadow=False)
    _label(base, count_label, x, 128)
    _label(base, "TIME", x, 256)
    _label(base, "SCORE", x, 336)
    if hold:
        _label(base, "FORM", x, 420)
    else:
        _label(base, "COMBO", x, 420)
        _label(base, "LAST REP", x, 500)
    _legend(base, x, h - 92)
    draw.text(base, fit_text(source, 20, SIDEBAR_W_PX - 2 * x), 20, assets.TEXT_DIM, (x, h - 30), shadow=False)
    return base


def clear_caches() -> None:
    """Forget the cached sidebar (at shutdown, with the display it was made for)."""
    _sidebar_base.cache_clear()


def _combo_and_last_rep(surface: pygame.Surface, s: HudState, x: int) -> None:
    combo_colour = assets.GOOD if s.combo > 0 else assets.TEXT_DIM
    draw.text(surface, f"x{s.multiplier:.1f}", 52, combo_colour, (x, 440))
    draw.text(surface, f"{s.combo} good in a row", 24, assets.TEXT_DIM, (x + 110, 456), shadow=False)

    if s.last_rep_score is None:
        draw.text(surface, "-", 44, assets.TEXT_DIM, (x, 520))
    else:
        colour = assets.GOOD if s.last_rep_good else assets.WARN
        r = draw.text(surface, f"{s.last_rep_score:.0f}", 52, colour, (x, 518))
        draw.text(surface, "good form" if s.last_rep_good else "check form", 24, colour, (r.right + 12, 536))


def _legend(surface: pygame.Surface, x: int, y: int) -> None:
    """What the joint colours mean (a predicted joint is a ring, not a dot), and a limb at fault (dashed)."""
    items = (
        ("sure", assets.GOOD, 0), ("unsure", assets.WARN, 0), ("low", assets.BAD, 0),
        ("depth", assets.ACCENT_2, 0), ("predicted", assets.LOCKED, 2),
    )  # fmt: skip
    for i, (name, colour, ring) in enumerate(items):
        cx, cy = x + 8 + (i % 3) * 92, y + 10 + (i // 3) * 26
        pygame.draw.circle(surface, colour, (cx, cy), 7, ring)
        draw.text(surface, name, 20, assets.TEXT_DIM, (cx + 12, cy - 7), shadow=False)
    cx, cy = x + 2 * 92, y + 36  # the form of a limb: dashed when a fault is about it
    draw.draw_bone(surface, skeleton.Bone((cx - 6, cy), (cx + 22, cy), assets.BAD, 2), 3)
    draw.text(surface, "fault", 20, assets.TEXT_DIM, (cx + 28, cy - 7), shadow=False)


#: the F3 overlay's top below the feed's top band (countdown and rest boxes, mode chip, clock, boss bar)
DEBUG_TOP_PX = 160
DEBUG_FONT_PX = 18


def draw_debug(surface: pygame.Surface, lines: list[str], area: pygame.Rect) -> None:
    """The F3 overlay (left of the feed, under its top band, so that it hides no instruction):
    phase, view, fps and timings."""
    f = assets.font(DEBUG_FONT_PX)
    line_px = DEBUG_FONT_PX + 2
    w = max(f.size(line)[0] for line in lines) + 20
    rect = pygame.Rect(area.x + 12, area.y + DEBUG_TOP_PX, w, 12 + line_px * len(lines))
    draw.panel(surface, rect, 200)
    for i, line in enumerate(lines):
        draw.text(surface, line, DEBUG_FONT_PX, assets.ACCENT_2, (rect.x + 10, rect.y + 6 + line_px * i), shadow=False)


def draw_mode(surface: pygame.Surface, s: HudState, area: pygame.Rect) -> None:
    """What the level's mode adds on the feed: stage/round chip, boss bar, rest ring, hold bar, challenge clock."""
    top = area.y + 16
    if s.boss_health is not None and s.boss_max_health:
        top = _boss_bar(surface, s, area) + 12
    # intervals say whether this is work or rest ("Round 2/8 - work"); other modes their stage and round
    chip = s.headline if s.mode == "intervals" and s.headline else s.stage_text
    if not chip and s.mode not in ("classic", "boss"):
        chip = s.headline
    if chip:
        w = assets.font(30).size(chip)[0] + 36
        rect = pygame.Rect(0, top, w, 44)
        rect.centerx = area.centerx
        draw.panel(surface, rect, 190)
        pygame.draw.rect(surface, assets.ACCENT_2, rect, 2, border_radius=14)
        draw.text(surface, chip, 30, assets.TEXT, rect.center, "center", shadow=False)
    if s.time_clock:
        colour = assets.BAD if s.time_urgent else assets.ACCENT
        rect = pygame.Rect(area.right - 190, top, 170, 84)
        draw.panel(surface, rect, 200)
        pygame.draw.rect(surface, colour, rect, 3, border_radius=14)
        draw.text(surface, "CLOCK", 20, assets.TEXT_DIM, (rect.x + 14, rect.y + 8), shadow=False)
        draw.text(surface, s.time_text, 60, colour, (rect.centerx, rect.y + 52), "center")
    if s.resting and s.rest_total_s > 0:
        centre = (area.right - 100, area.centery - 80)
        pygame.draw.circle(surface, (10, 12, 24), centre, 70)
        _ring(surface, centre, 64, s.rest_left_s / s.rest_total_s, assets.ACCENT_2, 10)
        draw.text(surface, f"{math.ceil(max(0.0, s.rest_left_s))}", 64, assets.TEXT, centre, "center")
        draw.text(surface, "REST", 22, assets.TEXT_DIM, (centre[0], centre[1] + 42), "center", shadow=False)
    if s.hold_progress is not None:
        bar_rect = pygame.Rect(0, 0, min(520, area.width - 120), 26)
        bar_rect.midbottom = (area.centerx, area.bottom - 112)
        draw.panel(surface, bar_rect.inflate(24, 40).move(0, -8), 170)
        draw.text(surface, f"HOLD {s.count_text}", 22, assets.TEXT, (bar_rect.x, bar_rect.y - 26), shadow=False)
        draw.bar(surface, bar_rect, s.hold_progress, assets.GOOD if s.in_form else assets.WARN)


def _boss_bar(surface: pygame.Surface, s: HudState, area: pygame.Rect) -> int:
    """The boss's health (and the special attack's charge) across the top of the feed; returns its bottom."""
    assert s.boss_health is not None
    assert s.boss_max_health
    rect = pygame.Rect(area.x + 60, area.y + 14, area.width - 120, 70)
    draw.panel(surface, rect, 200)
    pygame.draw.rect(surface, assets.BAD, rect, 2, border_radius=14)
    draw.text(surface, s.boss_name.upper(), 26, assets.BAD, (rect.x + 16, rect.y + 8))
    hp = f"{max(0.0, s.boss_health):.0f} / {s.boss_max_health:.0f} HP"
    draw.text(surface, hp, 24, assets.TEXT, (rect.right - 16, rect.y + 10), "topright", shadow=False)
    bar = pygame.Rect(rect.x + 16, rect.y + 36, rect.width - 32, 14)
    draw.bar(surface, bar, s.boss_health / s.boss_max_health, assets.BAD)
    if s.special_charge is not None:
        charge = pygame.Rect(rect.x + 16, rect.y + 54, rect.width // 3, 8)
        draw.bar(surface, charge, s.special_charge, assets.ACCENT_2)
        draw.text(surface, "special", 18, assets.ACCENT_2, (charge.right + 10, charge.y - 5), shadow=False)
    if s.boss_popup:
        healed = s.boss_popup.startswith("+")
        x = bar.x + bar.width * max(0.0, s.boss_health) / s.boss_max_health
        draw.text(surface, s.boss_popup, 48, assets.WARN if healed else assets.ACCENT,
                  (x, rect.bottom + 24 - 40 * s.boss_popup_age_s), "center")  # fmt: skip
    return rect.bottom


def _ring(
    surface: pygame.Surface,
    centre: tuple[int, int],
    radius_px: int,
    fraction: float,
    colour: draw.Colour,
    width_px: int,
) -> None:
    rect = pygame.Rect(0, 0, 2 * radius_px, 2 * radius_px)
    rect.center = centre
    pygame.draw.circle(surface, (50, 52, 72), centre, radius_px, width_px)
    if fraction > 0:
        pygame.draw.arc(surface, colour, rect, math.pi / 2, math.pi / 2 + 2 * math.pi * min(1.0, fraction), width_px)


def draw_overlays(surface: pygame.Surface, s: HudState, area: pygame.Rect) -> None:
    """The mode's elements, the form cue, the sound caption, the centre banner and the rep popup over the feed."""
    draw_mode(surface, s, area)
    if s.cue and s.cue_alpha > 0:
        colour = assets.BAD if s.cue_severity >= 0.7 else assets.WARN
        size_px = 56 if s.large_text else 44
        text = fit_text(s.cue, size_px, area.width - 100, keep="start")
        w = assets.font(size_px).size(text)[0] + 60
        rect = pygame.Rect(0, 0, w, size_px + 20)
        rect.midbottom = (area.centerx, area.bottom - 28)
        draw.panel(surface, rect, round(200 * s.cue_alpha))
        pygame.draw.rect(surface, colour, rect, 3, border_radius=14)
        # a severe cue is also marked with a "!" so it does not rely on colour alone
        draw.text(surface, ("! " if s.cue_severity >= 0.7 else "") + text, size_px, colour, rect.center, "center")

    if s.banner:
        size_px = 150 if len(s.banner) <= 4 else 60
        banner = fit_text(s.banner, size_px, area.width - 120, keep="start")
        w_px, h_px = assets.font(size_px).size(banner)
        backing = pygame.Rect(0, 0, max(w_px + 70, 200), h_px + 50)
        backing.center = area.center
        draw.panel(surface, backing, 170)
        pygame.draw.rect(surface, assets.ACCENT, backing, 3, border_radius=14)
        draw.text(surface, banner, size_px, assets.ACCENT, (area.centerx, area.centery + 4), "center")

    if s.popup and s.popup_age_s < 1.2:
        x_px, y_px = s.popup_xy if s.popup_xy is not None else (float(area.centerx), float(area.centery - 140))
        x_px = min(max(x_px, area.x + 80.0), area.right - 80.0)
        colour = assets.GOOD if s.last_rep_good else assets.WARN
        draw.text(surface, s.popup, 72, colour, (x_px, y_px - 60 * s.popup_age_s), "center")


def fit_text(text: str, size_px: int, max_w_px: int, keep: str = "end") -> str:
    """``text`` shortened with "..." until it fits ``max_w_px``; ``keep="end"`` keeps a path's file name."""
    f = assets.font(size_px)
    if f.size(text)[0] <= max_w_px:
        return text
    if keep == "end":
        while len(text) > 1 and f.size("..." + text)[0] > max_w_px:
            text = text[1:]
        return "..." + text
    while len(text) > 1 and f.size(text + "...")[0] > max_w_px:
        text = text[:-1]
    return text.rstrip() + "..."


def format_time(seconds: float) -> str:
    """``75.2`` -> ``"1:15"`` (rounded up, so 0:00 means done)."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"
