"""Sound cues as generated tones through ``pygame.mixer``, each with a spoken-style caption.

Every cue has a caption, shown on screen whether or not sound plays (for
players who cannot hear it, or a machine with no audio device). With no
mixer at all (no audio device, ``SDL_AUDIODRIVER=dummy``, or a pygame built
without it) :class:`Sound` stays silent and only captions show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SAMPLE_RATE_HZ = 22050
CAPTION_SHOWN_S = 1.6


@dataclass(frozen=True, slots=True)
class Tone:
    """A short sequence of notes: (frequency Hz, seconds) pairs, and the caption that stands for it."""

    notes: tuple[tuple[float, float], ...]
    caption: str


#: cue name -> tone; captions read like a coach speaking
CUES: dict[str, Tone] = {
    "rep": Tone(((660, 0.07),), "[rep]"),
    "good_rep": Tone(((660, 0.06), (990, 0.09)), "[good rep!]"),
    "fault": Tone(((220, 0.18),), "[low buzz: check your form]"),
    "countdown": Tone(((520, 0.12),), "[beep]"),
    "go": Tone(((1040, 0.25),), "[GO!]"),
    "stage_end": Tone(((520, 0.1), (660, 0.1), (780, 0.16)), "[stage done]"),
    "level_end": Tone(((520, 0.12), (660, 0.12), (780, 0.12), (1040, 0.3)), "[fanfare: level over]"),
    "pause": Tone(((440, 0.1), (330, 0.14)), "[paused]"),
    "select": Tone(((880, 0.04),), "[click]"),
}


def synthesize(tone: Tone, rate_hz: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """16-bit mono samples of ``tone``: sine notes with 5 ms fades (no clicks)."""
    parts = []
    for freq_hz, dur_s in tone.notes:
        n = max(1, int(rate_hz * dur_s))
        t_s = np.arange(n) / rate_hz
        wave = np.sin(2 * np.pi * freq_hz * t_s) + 0.25 * np.sin(4 * np.pi * freq_hz * t_s)
        fade = min(n // 2, int(0.005 * rate_hz))
        env = np.ones(n)
        if fade:
            env[:fade] = np.linspace(0, 1, fade)
            env[-fade:] = np.linspace(1, 0, fade)
        parts.append(wave * env)
    samples = np.concatenate(parts) / 1.25
    return (samples * 0.6 * 32767).astype(np.int16)


class Sound:
    """Plays cues (when a mixer works) and keeps the latest caption for the screen."""

    def __init__(self, volume: float = 0.7, muted: bool = False, enabled: bool = True) -> None:
        self.volume = volume
        self.muted = muted
        self.available = False  #: a mixer opened
        self.problem = ""  #: why there is no sound, when there is none
        self.played: list[str] = []  #: every cue asked for, in order (captions and tests)
        self.caption = ""
        self.caption_at_s = -99.0
        self._sounds: dict[str, object] = {}
        if enabled:
            self._open_mixer()

    def _open_mixer(self) -> None:
        try:
            import pygame

            if not hasattr(pygame, "mixer") or pygame.mixer is None:
                raise ImportError("pygame was built without its mixer")
            pygame.mixer.pre_init(SAMPLE_RATE_HZ, -16, 1, 512)
            pygame.mixer.init()
            freq, _, channels = pygame.mixer.get_init()
            for name, tone in CUES.items():
                mono = synthesize(tone, freq)
                data = mono if channels == 1 else np.repeat(mono[:, None], channels, axis=1)
                self._sounds[name] = pygame.sndarray.make_sound(np.ascontiguousarray(data))
            self.available = True
        except (ImportError, NotImplementedError, Exception) as e:  # noqa: BLE001 - any mixer failure: captions only
            self.problem = f"no sound ({type(e).__name__}: {e}); captions only"
            self._sounds.clear()

    def play(self, cue: str, now_s: float) -> None:
        """Play ``cue`` (one of :data:`CUES`) and show its caption from ``now_s`` (wall seconds)."""
        tone = CUES[cue]
        self.played.append(cue)
        self.caption, self.caption_at_s = tone.caption, now_s
        sound = self._sounds.get(cue)
        if sound is not None and not self.muted and self.volume > 0:
            sound.set_volume(self.volume)  # type: ignore[attr-defined]
            sound.play()  # type: ignore[attr-defined]

    def caption_now(self, now_s: float) -> str:
        return self.caption if now_s - self.caption_at_s < CAPTION_SHOWN_S else ""

    def close(self) -> None:
        if self.available:
            import pygame

            pygame.mixer.quit()
            self.available = False
