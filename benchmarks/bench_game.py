"""The game loop: frame time at 1280x720, skeleton staleness, and memory over a long session.

The setup (real pygame with SDL's dummy video driver, the real App, play
scene, HUD and skeleton, paced by ``game.loop.frames(60)``): the synthetic
avatar feeds 30 fps with RGB and depth images. As in the game, it runs in a
child process together with the pose pipeline
(:class:`~sensors.process_sensor.ProcessSensor`, like a camera: neither the
image rendering nor the pipeline's numpy steps hold the game's GIL); the
processed poses cross a pipe, the colour image a shared-memory ring, and the
game predicts the display-time pose from the tracker's snapshot.
``sensor_in_this_process.*`` is the same with the avatar rendering and the
pipeline on the pose feed's worker thread in the game's process instead.

Each session times the game only once the sensor delivers: the source's process
imports and opens the avatar first (about 1.5 s on an idle machine, many
seconds under load), and the steps until its first frame (the waiting screen)
are left out, as is a warm-up after it (the countdown). ``sensor_start_s``
says how long that start took; a sensor with no frame after
``START_TIMEOUT_S`` stops the benchmark with one line saying so.

- ``render_fps``: frames drawn per second. Target: 60, whatever the camera's rate.
- ``frame_ms_p50`` / ``frame_ms_p99`` / ``frame_ms_max``: the wall time of one
  ``App.step`` (events, update, draw, flip). Target: p99 <= 16.7 ms.
- ``receiver_cpu_ms_*``: the CPU per sensor frame of taking the child's frames (reading the pipe,
  unpickling the poses, copying images out of shared memory): on the game's loop thread, which polls
  the pipe once a frame (before issue 11's child-side screen image: on a receiver thread). The camera
  image is scaled and converted for the screen in the child and copied onto the screen surface in
  ``draw``.
- ``blocked_ms_p99``, ``waited_for_a_core_ms_p99``, ``slow_frames.*``: a step's wall time that is not
  the game thread running, split (Linux ``/proc/thread-self/schedstat``) into runnable but waiting for a
  core (other processes, the machine) and blocked (waiting for the GIL another thread holds, or a lock).
- ``frame_cpu_ms_*``: the game thread's own CPU per step (what the frame costs, without waiting for
  a core or the GIL); ``parts_ms_*``: where the step's wall time goes.
- ``scheduler``, ``load_avg_1min``, ``trivial_loop.*``: the machine. On a shared machine the wall
  figures mostly measure the other processes; ``trivial_loop`` times a frame of the same median CPU
  (``cpu_ms``) with no game and no sensor, in the same run. Run it under ``chrt -f 1`` (real-time
  priority) to see the game without the others.
- ``with_screenshots.*``: the same while a screenshot is taken every second
  (the frame is copied; PNG encoding happens on a writer thread).
- ``staleness.*``: the drawn skeleton against the avatar's ground truth at display time, with and
  without prediction (``benchmarks/staleness.py``: simulated 60 fps render, 30 fps sensor, a modelled
  40 ms inference latency).
- ``rss_mb_start`` / ``rss_mb_end`` / ``rss_mb_max`` and ``rss_growth_mb_per_min`` (from 30 s on;
  ``..._second_half``: over the session's second half, whether it still grows at the end)
  over a long session (full run: 10 minutes of play; quick: 12 s), and the sensor process's RSS.
  Target: <= 600 MB and flat.

    python benchmarks/bench_game.py [--quick]
    repquest bench game [--quick]
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np

FULL_FRAME_S = 40.0
QUICK_FRAME_S = 6.0
FULL_SESSION_S = 600.0
QUICK_SESSION_S = 12.0
RSS_EVERY_S = 5.0
WARM_UP_S = 4.0  #: after the sensor's first frame, the countdown and the first frames are left out
QUICK_WARM_UP_S = 2.0
START_TIMEOUT_S = 120.0  #: a session waits at most this long for the sensor's first frame
BENCH_SOURCE = "synthetic:squat,reps=0,realtime=1"
FULL_TRIVIAL_S = 10.0
QUICK_TRIVIAL_S = 2.0
TRIVIAL_CPU_MS = 4.0  #: the baseline frame's CPU: about the game frame's median CPU (frame_cpu_ms_p50)
PARTS = ("events", "update", "draw", "flip", "shot")


def scheduler() -> str:
    """How this process is scheduled: ``SCHED_OTHER nice 0`` (shares the CPU fairly) or e.g. ``SCHED_FIFO 1``."""
    policy = os.sched_getscheduler(0)
    names = {os.SCHED_OTHER: "SCHED_OTHER", os.SCHED_FIFO: "SCHED_FIFO", os.SCHED_RR: "SCHED_RR"}
    name = names.get(policy, str(policy))
    if policy == os.SCHED_OTHER:
        return f"{name} nice {os.nice(0)}"
    return f"{name} {os.sched_getparam(0).sched_priority}"


def trivial_loop(seconds: float, fps: int = 60, cpu_ms: float = 0.0) -> dict[str, Any]:
    """The same pacing with a trivial frame (fill the 1280x720 window, flip, then spin until the frame
    has used ``cpu_ms`` of CPU, one thread, no sensor): what the machine alone (other processes, the
    scheduler) does to a frame of that cost, measured in the same run as the game."""
    import pygame

    from game.app import make_screen, shutdown
    from game.loop import frames

    screen = make_screen()
    ms: list[float] = []
    t0 = time.perf_counter()
    try:
        for i, _ in enumerate(frames(fps)):
            s = time.perf_counter()
            c = time.thread_time()
            screen.fill((i % 256, 20, 40))
            pygame.display.flip()
            while (time.thread_time() - c) * 1000 < cpu_ms:
                pass
            ms.append((time.perf_counter() - s) * 1000)
            if s - t0 >= seconds:
                break
    finally:
        shutdown()
    a = np.asarray(ms)
    return {
        "frame_ms_p50": round(float(np.percentile(a, 50)), 2),
        "frame_ms_p99": round(float(np.percentile(a, 99)), 2),
        "frame_ms_max": round(float(a.max()), 2),
    }


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of this process (or of ``pid``), MB."""
    try:
        f = open(f"/proc/{pid}/status", encoding="ascii")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        return float("nan")
    with f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def thread_sched_ms() -> tuple[float, float]:
    """This thread's (CPU time, time runnable but waiting for a core) so far, ms (Linux schedstat; NaN elsewhere)."""
    try:
        with open("/proc/thread-self/schedstat", encoding="ascii") as f:
            run_ns, wait_ns, _ = f.read().split()
    except OSError:
        return float("nan"), float("nan")
    return int(run_ns) / 1e6, int(wait_ns) / 1e6


def _sensor_pid(app: Any) -> int | None:
    """The synthetic demo's child process (None when the sensor runs in this process)."""
    inner = getattr(app.poses._reconnecting, "_inner", None)
    return getattr(inner, "pid", None)


class SensorNeverStarted(RuntimeError):
    """The session's sensor delivered no frame: there is no game to time."""


def _await_first_frame(app: Any, fps: int, timeout_s: float) -> float:
    """Step the game (its waiting screen; not timed) until the sensor's first frame; the seconds it took.
    Raises :class:`SensorNeverStarted` after ``timeout_s`` or when the source fails to open."""
    from game.loop import frames

    t0 = time.perf_counter()
    for dt_s in frames(fps):
        if not app.step(dt_s):
            raise SensorNeverStarted("the game closed before its sensor delivered a frame")
        waited_s = time.perf_counter() - t0
        if app.poses.frames_seen > 0:
            return waited_s
        if app.poses.error:
            raise SensorNeverStarted(f"the sensor did not open: {app.poses.error}")
        if waited_s >= timeout_s:
            state = "still opening" if app.poses.opening else "open"
            raise SensorNeverStarted(
                f"the sensor ({app.source_spec}, {state}) delivered no frame in {timeout_s:.0f} s "
                f"(load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores): no game to time"
            )
    raise AssertionError("unreachable: frames() never ends")


def _session(
    seconds: float,
    screenshots: Path | None,
    fps: int = 60,
    warm_up_s: float = WARM_UP_S,
    process: bool = True,
    source: str = BENCH_SOURCE,
    start_timeout_s: float = START_TIMEOUT_S,
) -> dict[str, Any]:
    """``seconds`` of play timed from the sensor's first frame (the first ``warm_up_s`` of them not counted)."""
    from game.app import App, GameOptions, make_screen, shutdown
    from game.loop import frames
    from game.source_choice import SourceChoice
    from levels.model import Goal, Level, Pack

    # a level that never ends during the run: 1000 reps, no time limit
    level = Level(id="endless", title="Endless Squats", exercise="squat", goal=Goal(reps=1000), stars=(1, 2, 3))
    pack = Pack(id="bench", name="Bench", levels=[level])
    options = GameOptions(
        pack=pack, source=SourceChoice(source, seed=1), fps=fps, sound=False,
        screenshots=screenshots, source_process=process,
    )  # fmt: skip
    screen = make_screen()
    app = App(screen, options)
    step_ms: list[float] = []
    cpu_ms: list[float] = []
    waits_ms: list[tuple[float, float]] = []  #: per step: (waiting for a core, blocked: the GIL or another lock)
    parts: dict[str, list[float]] = {k: [] for k in PARTS}
    rss: list[tuple[float, float]] = []
    child_rss: list[float] = []
    try:
        app.push(app.make("play", level=level))
        start_s = _await_first_frame(app, fps, start_timeout_s)
        t0 = time.perf_counter()
        next_rss = 0.0
        drawn = 0
        frames_at_warm = None  #: the sensor's frames when the timed part began
        for dt_s in frames(fps):
            s, c = time.perf_counter(), time.thread_time()
            run0_ms, queued0_ms = thread_sched_ms()
            if not app.step(dt_s):
                break
            e = time.perf_counter()
            run1_ms, queued1_ms = thread_sched_ms()
            elapsed = e - t0
            if elapsed >= warm_up_s:
                if frames_at_warm is None:
                    frames_at_warm = app.poses.frames_seen
                step_ms.append((e - s) * 1000)
                cpu_ms.append((time.thread_time() - c) * 1000)
                queued = queued1_ms - queued0_ms
                waits_ms.append((queued, (e - s) * 1000 - (run1_ms - run0_ms) - queued))
                for k in PARTS:
                    parts[k].append(app.step_parts_ms.get(k, 0.0))
                drawn += 1
            if elapsed >= next_rss:
                rss.append((elapsed, rss_mb()))
                pid = _sensor_pid(app)
                if pid is not None:
                    child_rss.append(rss_mb(pid))
                next_rss += RSS_EVERY_S
            if screenshots is not None and app.shots is not None and int(elapsed) != int(elapsed - dt_s):
                app.shot_wanted = "bench"  # one a second
            if elapsed >= seconds:
                break
        wall = time.perf_counter() - t0 - warm_up_s
        frames_in = app.poses.frames_seen - (frames_at_warm or 0)
        remote = getattr(app.poses._reconnecting, "_inner", None)
        received = [sum(parts) for parts in getattr(remote, "receive_cpu_ms", ())]
        reps = app.scene.run.reps if hasattr(app.scene, "run") else 0
    finally:
        app.close()
        shutdown()
    ms = np.asarray(step_ms)
    cpu = np.asarray(cpu_ms)
    waits = np.asarray(waits_ms)
    slow = ms > 1000 / 60
    return {
        "render_fps": round(drawn / max(wall, 1e-9), 1),
        "frame_ms_p50": round(float(np.percentile(ms, 50)), 2),
        "frame_ms_p99": round(float(np.percentile(ms, 99)), 2),
        "frame_ms_max": round(float(ms.max()), 2),
        "frames_over_16_7ms_pct": round(100.0 * float((ms > 1000 / 60).mean()), 2),
        # the game thread's own CPU time per step (no time waiting for the GIL or for a core)
        "frame_cpu_ms_p50": round(float(np.percentile(cpu, 50)), 2),
        "frame_cpu_ms_p99": round(float(np.percentile(cpu, 99)), 2),
        # the frames over 16.7 ms: mean ms of their time the game thread ran, waited for a core (the machine),
        # and was blocked (waiting for the GIL held by another thread, or another lock)
        "slow_frames": {
            "ran_ms": round(float(ms[slow].mean() - waits[slow].sum(axis=1).mean()), 2) if slow.any() else None,
            "waited_for_a_core_ms": round(float(waits[slow, 0].mean()), 2) if slow.any() else None,
            "blocked_ms": round(float(waits[slow, 1].mean()), 2) if slow.any() else None,
        },
        "blocked_ms_p99": round(float(np.percentile(waits[:, 1], 99)), 2),
        "waited_for_a_core_ms_p99": round(float(np.percentile(waits[:, 0], 99)), 2),
        "parts_ms_mean": {k: round(float(np.mean(v)), 2) for k, v in parts.items()},
        "parts_ms_p99": {k: round(float(np.percentile(v, 99)), 2) for k, v in parts.items()},
        "sensor_start_s": round(start_s, 2),
        "sensor_frames_per_s": round(frames_in / max(wall, 1e-9), 1),
        "receiver_cpu_ms_p50": round(float(np.percentile(received, 50)), 2) if received else None,
        "receiver_cpu_ms_p99": round(float(np.percentile(received, 99)), 2) if received else None,
        "reps_counted": reps,
        "sensor_in_child_process": process,
        "_rss": rss,
        "_child_rss": child_rss,
    }


def main(quick: bool = False) -> dict[str, Any]:
    frame_s = QUICK_FRAME_S if quick else FULL_FRAME_S
    warm_s = QUICK_WARM_UP_S if quick else WARM_UP_S
    load_before = os.getloadavg()[0]
    trivial = trivial_loop(QUICK_TRIVIAL_S if quick else FULL_TRIVIAL_S, cpu_ms=TRIVIAL_CPU_MS)
    plain = _session(frame_s, None, warm_up_s=warm_s)
    plain.pop("_rss")
    plain.pop("_child_rss")
    in_process = _session(frame_s, None, warm_up_s=warm_s, process=False)
    in_process = {k: v for k, v in in_process.items() if not k.startswith(("_", "parts"))}
    from staleness import figures as staleness_figures

    staleness = staleness_figures(quick)
    with tempfile.TemporaryDirectory() as tmp:
        shots = _session(frame_s, Path(tmp), warm_up_s=warm_s)
        shots.pop("_rss")
        shots.pop("_child_rss")
        shots["screenshots_saved"] = len(list(Path(tmp).glob("*.png")))
    long = _session(QUICK_SESSION_S if quick else FULL_SESSION_S, None)
    rss = long["_rss"]
    after_warm = [(t, m) for t, m in rss if t >= 30.0] or rss
    t = np.array([p[0] for p in after_warm])
    m = np.array([p[1] for p in after_warm])
    slope = float(np.polyfit(t / 60.0, m, 1)[0]) if len(t) >= 2 else float("nan")
    late = t >= t[-1] / 2 if len(t) else np.zeros(0, dtype=bool)  # flat means: not still growing at the end
    late_slope = float(np.polyfit(t[late] / 60.0, m[late], 1)[0]) if late.sum() >= 2 else float("nan")
    return {
        "scheduler": scheduler(),
        "load_avg_1min": round(load_before, 1),
        "cpus": os.cpu_count(),
        **plain,
        "trivial_loop": {"cpu_ms": TRIVIAL_CPU_MS, **trivial},
        "p99_over_trivial_p99": round(plain["frame_ms_p99"] / max(trivial["frame_ms_p99"], 1e-9), 2),
        "sensor_in_this_process": in_process,
        "with_screenshots": shots,
        "staleness": staleness,
        "session_s": QUICK_SESSION_S if quick else FULL_SESSION_S,
        "session_frame_ms_p99": long["frame_ms_p99"],
        "session_reps": long["reps_counted"],
        "session_sensor_start_s": long["sensor_start_s"],
        "rss_mb_start": round(float(m[0]), 1),
        "rss_mb_end": round(float(m[-1]), 1),
        "rss_mb_max": round(float(max(x for _, x in rss)), 1),
        "rss_growth_mb_per_min": round(slope, 2),
        "rss_growth_mb_per_min_second_half": round(late_slope, 2),
        "sensor_process_rss_mb_end": round(long["_child_rss"][-1], 1) if long["_child_rss"] else None,
        "sensor_process_rss_mb_max": round(max(long["_child_rss"]), 1) if long["_child_rss"] else None,
    }


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "game")
