"""Sound cues: generated tones, captions for every cue, and a game that plays on with no audio device."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

import exercises as ex
from game.engine_adapter import worst_cue
from game.sound import CUES, SAMPLE_RATE_HZ, Sound, synthesize


def test_each_tone_sounds_at_its_first_note() -> None:
    for name, tone in CUES.items():
        samples = synthesize(tone)
        assert samples.dtype == np.int16
        first_hz, first_s = tone.notes[0]
        head = samples[: int(first_s * SAMPLE_RATE_HZ)].astype(float)
        spectrum = np.abs(np.fft.rfft(head * np.hanning(head.size)))
        peak_hz = np.fft.rfftfreq(head.size, 1 / SAMPLE_RATE_HZ)[int(np.argmax(spectrum))]
        assert abs(peak_hz - first_hz) < 2.5 / first_s, name
        assert np.abs(samples).max() < 32767


def test_every_cue_has_a_caption_shown_for_a_moment() -> None:
    sound = Sound(enabled=False)
    for name in CUES:
        sound.play(name, now_s=10.0)
        assert sound.caption_now(10.5) == CUES[name].caption
        assert sound.caption_now(20.0) == ""
    assert sound.played == list(CUES)


def test_the_dummy_audio_driver_plays_or_falls_back_to_captions() -> None:
    pygame.init()
    try:
        sound = Sound(volume=0.5)
        assert sound.available or sound.problem
        for name in CUES:
            sound.play(name, 0.0)  # never raises, with or without a device
        sound.muted = True
        sound.play("rep", 1.0)
        assert sound.caption_now(1.0) == "[rep]"
        sound.close()
    finally:
        pygame.quit()


def test_no_mixer_at_all_means_captions_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pygame, "mixer", None)
    sound = Sound()
    assert not sound.available
    assert "captions only" in sound.problem
    sound.play("good_rep", 0.0)
    assert sound.caption_now(0.1) == "[good rep!]"


def test_the_worst_cue_of_a_frame_is_shown_not_the_last() -> None:
    events = [
        ex.FormCue(1.0, "a", "Knees out", ex.Severity.ERROR),
        ex.FormCue(1.0, "b", "Chest up", ex.Severity.INFO),
        ex.PhaseChanged(1.0, ex.Phase.AWAY),
    ]
    worst = worst_cue(events)
    assert worst is not None
    assert worst.cue == "Knees out"
    assert worst_cue([ex.PhaseChanged(1.0, ex.Phase.AWAY)]) is None
