"""Synthetic sensor throughput: pose frames/s without images, with a depth map, with depth + RGB.

Targets (issue 3): >= 1,000 pose frames/s without images and >= 200 frames/s
with a 640x480 depth map on the 2-core reference machine.

    python benchmarks/bench_synthetic.py [--quick]
    repquest bench synthetic [--quick]

Figures per case: ``<case>.fps`` (frames per wall-clock second) and
``<case>.fps_per_cpu_s`` (frames per CPU second of this process: the cost on a
shared machine).
"""

from __future__ import annotations

import time
from typing import Any

from sensors.synthetic import SyntheticConfig, SyntheticSensor

FULL_FRAMES = 600
QUICK_FRAMES = 60

CASES = {
    "pose_only": SyntheticConfig(exercise="squat", reps=0),
    # an odd tempo makes every frame a new posture: the cost without the posture cache
    "pose_only_uncached": SyntheticConfig(exercise="squat", reps=0, tempo_s=2.917),
    "pose_only_depth_mode_pushup": SyntheticConfig(exercise="pushup", mode="depth", reps=0),
    "pose_noise_dropout_swap_walker": SyntheticConfig(exercise="lunge", reps=0, dropout=0.05, swap=0.02, walker=True),
    "depth_map_640x480": SyntheticConfig(exercise="squat", mode="depth", depth_map=True, reps=0),
    "depth_map_rgb_640x480": SyntheticConfig(exercise="squat", mode="depth", images=True, reps=0),
}


def measure(config: SyntheticConfig, frames: int) -> tuple[float, float]:
    """(frames per wall-clock second, frames per CPU second of this process) over
    ``frames`` reads after a short warm-up. The CPU figure is what the source
    costs when the machine is shared; the wall figure is what a reader sees now."""
    with SyntheticSensor(config) as cam:
        for _ in range(10):
            cam.read()
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(frames):
            cam.read()
        return frames / (time.perf_counter() - t0), frames / (time.process_time() - c0)


def main(quick: bool = False) -> dict[str, Any]:
    """Frames/s of each case (image cases read a third as many frames)."""
    frames = QUICK_FRAMES if quick else FULL_FRAMES
    figures: dict[str, Any] = {}
    for name, config in CASES.items():
        n = frames if "map" not in name else max(frames // 3, 20)
        wall, cpu = measure(config, n)
        figures[name] = {"fps": wall, "fps_per_cpu_s": cpu, "frames": n}
    return figures


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "synthetic")
