"""Synthetic sensor throughput: pose frames/s without images, with a depth map, with depth + RGB.

Targets (issue 3): >= 1,000 pose frames/s without images and >= 200 frames/s
with a 640x480 depth map on the 2-core reference machine.

    python benchmarks/bench_synthetic.py [--frames N]
"""

from __future__ import annotations

import argparse
import time

from sensors.synthetic import SyntheticConfig, SyntheticSensor

CASES = {
    "pose only (monocular, squat)": SyntheticConfig(exercise="squat", reps=0),
    # an odd tempo makes every frame a new posture: the cost without the posture cache
    "pose only, nothing cached (tempo_s=2.917)": SyntheticConfig(exercise="squat", reps=0, tempo_s=2.917),
    "pose only (depth mode, pushup, side)": SyntheticConfig(exercise="pushup", mode="depth", reps=0),
    "pose + noise/dropout/swap/walker": SyntheticConfig(exercise="lunge", reps=0, dropout=0.05, swap=0.02, walker=True),
    "depth map 640x480 (depth mode)": SyntheticConfig(exercise="squat", mode="depth", depth_map=True, reps=0),
    "depth map + rgb 640x480": SyntheticConfig(exercise="squat", mode="depth", images=True, reps=0),
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=600)
    args = parser.parse_args()
    print(f"{'case':42s} {'frames/s':>9s} {'per CPU s':>10s}")
    for name, config in CASES.items():
        n = args.frames if "map" not in name else max(args.frames // 3, 50)
        wall, cpu = measure(config, n)
        print(f"{name:42s} {wall:9.0f} {cpu:10.0f}")


if __name__ == "__main__":
    main()
