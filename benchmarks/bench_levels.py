"""Level-pack checking speed: a 200-level pack in every mode, checked end to end (read, safe YAML, schema,
exercises, best-score simulation of every level, unlock graph).

Target (issue 10): validating a 200-level pack <= 200 ms on the 2-core reference machine.

    python benchmarks/bench_levels.py [--quick]
    repquest bench levels [--quick]
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from levels import check_file

TEMPLATES = [
    "    stages:\n      - exercise: squat\n        goal: {{reps: 10}}\n        rest_s: 10\n"
    "      - exercise: plank\n        goal: {{hold_s: 20}}\n    time_limit_s: 120\n",
    "    mode: timed\n    time_limit_s: 60\n    stages:\n      - exercise: jumping_jack\n        goal: {{reps: 15}}\n"
    "      - exercise: high_knees\n        goal: {{reps: 20}}\n",
    "    mode: circuit\n    circuit: {{rounds: 2, rest_s: 30}}\n    stages:\n      - exercise: squat\n"
    "        goal: {{reps: 8}}\n        rest_s: 10\n      - exercise: pushup\n"
    "        goal: {{good_reps: 6, min_score: 70}}\n",
    "    mode: intervals\n    intervals: {{rounds: 8, work_s: 20, rest_s: 10}}\n    stages:\n      - exercise: squat\n",
    "    mode: boss\n    time_limit_s: 180\n    boss: {{name: Golem, health: 2500}}\n    stages:\n"
    "      - exercise: squat\n        goal: {{reps: 6}}\n      - exercise: plank\n        goal: {{hold_s: 10}}\n",
]


def pack_text(levels: int, distinct: bool = False) -> str:
    """``distinct``: every level's goals differ (no two levels share a best-score simulation)."""
    rows = ["id: big\ntitle: Big Pack\nlevels:\n"]
    for i in range(levels):
        text = TEMPLATES[i % len(TEMPLATES)].format()
        if distinct:
            extra = i // 5
            text = re.sub(r"reps: (\d+)", lambda m, extra=extra: f"reps: {int(m.group(1)) + extra}", text)
            text = text.replace("rounds: 8,", f"rounds: {2 + extra % 7},")
            text = text.replace("health: 2500", f"health: {1000 + i}")
            text = text.replace("time_limit_s: 60", f"time_limit_s: {60 + i}")
        rows.append(f"  - id: level-{i}\n    title: Level {i}\n" + text)
        rows.append("    stars: [10, 20, 30]\n")
        if i:
            rows.append(f"    unlock: {{after: level-{i - 1}, stars: 1}}\n")
    return "".join(rows)


def main(quick: bool = False) -> dict[str, Any]:
    """Median wall and CPU ms to check a 200-level pack (after a warm-up that loads the exercise library).

    ``five_shapes``: 200 levels in five repeating shapes (the best-score simulation is shared between
    levels of one shape); ``all_distinct``: every level's goals differ, so every level is simulated.
    The CPU figure is the cost on a shared machine; the wall figure is what an author waits now."""
    runs = 3 if quick else 11
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for case, distinct in (("five_shapes", False), ("all_distinct", True)):
            path = Path(folder) / f"{case}.yaml"
            path.write_text(pack_text(200, distinct), encoding="utf-8")
            report = check_file(path)
            if not report.ok or report.pack is None or len(report.pack.levels) != 200:
                raise RuntimeError(f"the benchmark pack does not validate: {report.problems[:3]}")
            times_ms, cpu_ms = [], []
            for _ in range(runs):
                t0, c0 = time.perf_counter(), time.process_time()
                check_file(path)
                times_ms.append((time.perf_counter() - t0) * 1000)
                cpu_ms.append((time.process_time() - c0) * 1000)
            figures[case] = {
                "validate_200_levels_ms_median": statistics.median(times_ms),
                "validate_200_levels_cpu_ms_median": statistics.median(cpu_ms),
                "validate_200_levels_ms_max": max(times_ms),
                "pack_bytes": path.stat().st_size,
            }
    figures["runs"] = runs
    return figures


if __name__ == "__main__":
    from game.commands.bench import script_main

    script_main(main, "levels")
