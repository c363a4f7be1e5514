"""Unlocks as a graph: unknown levels, a level waiting on itself, cycles, and levels that never open."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from levels.model import Level
from levels.run import is_unlocked
from levels.types import Ctx, did_you_mean


def check_unlocks(raw_levels: Any, built: list[Level | None], ctx: Ctx, best: Callable[[Level], Any]) -> None:
    """Report unlock problems; ``best(level).stars`` is the most stars a perfect player earns there."""
    if not isinstance(raw_levels, list):
        return
    ids: dict[str, int] = {}
    after: dict[str, list[str]] = {}
    errors_before = sum(p.is_error for p in ctx.problems)
    for i, lv in enumerate(raw_levels):
        lid = lv.get("id") if isinstance(lv, dict) else None
        if isinstance(lid, str):
            ids.setdefault(lid, i)
    for i, lv in enumerate(raw_levels):
        if not isinstance(lv, dict) or not isinstance(lv.get("id"), str):
            continue
        unlock = lv.get("unlock")
        names = unlock.get("after", []) if isinstance(unlock, dict) else []
        names = [names] if isinstance(names, str) else names if isinstance(names, list) else []
        good = []
        for j, name in enumerate(names):
            if not isinstance(name, str):
                continue
            listed = isinstance(unlock, dict) and isinstance(unlock.get("after"), list)
            loc = ("levels", i, "unlock", "after", j) if listed else (
                "levels", i, "unlock", "after")  # fmt: skip
            if name == lv["id"]:
                ctx.report(loc, f"expected another level's id, found '{name}', the level itself",
                           "a level cannot wait for itself")  # fmt: skip
            elif name not in ids:
                known = [k for k in ids if k != lv["id"]]
                ctx.report(loc, f"expected the id of a level in this pack, found '{name}'",
                           did_you_mean(name, known, listed=False))  # fmt: skip
            else:
                good.append(name)
        after[lv["id"]] = good
    cycles = _cycles(after)
    in_cycle: set[str] = set()
    for cycle in cycles:
        first = min(cycle, key=lambda n: ids[n])
        at = cycle.index(first)
        path = cycle[at:] + cycle[:at] + [first]
        ctx.report(("levels", ids[first], "unlock"), "expected unlocks that lead somewhere, found a cycle: "
                   + " needs ".join(f"'{n}'" for n in path), "remove one of these unlocks")  # fmt: skip
        in_cycle.update(cycle)
    if any(lv is None for lv in built) or sum(p.is_error for p in ctx.problems) > errors_before:
        return
    _never_open([lv for lv in built if lv is not None], ids, ctx, best)


def _cycles(after: dict[str, list[str]]) -> list[list[str]]:
    """Each cycle of 'needs' edges once (iterative DFS)."""
    state: dict[str, int] = {}
    out: list[list[str]] = []
    for start in after:
        if state.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = []
        while stack:
            node, k = stack.pop()
            if k == 0:
                state[node] = 1
                path.append(node)
            nxt = after.get(node, [])
            if k < len(nxt):
                stack.append((node, k + 1))
                child = nxt[k]
                if state.get(child) == 1:
                    out.append(path[path.index(child) :])
                elif not state.get(child):
                    stack.append((child, 0))
            else:
                state[node] = 2
                path.pop()
    return out


def _never_open(levels: list[Level], ids: dict[str, int], ctx: Ctx, best: Callable[[Level], Any]) -> None:
    """Open levels one by one with a perfect player's stars; warn about those that never open."""
    most = {lv.id: best(lv).stars for lv in levels}
    earned: dict[str, int] = {}
    closed = list(levels)
    changed = True
    while changed:
        changed = False
        for lv in list(closed):
            if is_unlocked(lv, earned):
                earned[lv.id] = most[lv.id]
                closed.remove(lv)
                changed = True
    for lv in closed:
        u = lv.unlock
        short = [a for a in u.levels if most.get(a, 0) < u.stars]
        if short:
            why = f"'{short[0]}' gives at most {most.get(short[0], 0)} stars, and it needs {u.stars}"
        elif any(a not in earned for a in u.levels):
            why = f"'{next(a for a in u.levels if a not in earned)}' never opens either"
        else:
            why = f"it needs {u.pack_stars} stars in the pack, and at most {sum(earned.values())} can be earned"
        ctx.warn(("levels", ids[lv.id], "unlock"), f"expected every level to open some day, found that "
                 f"'{lv.id}' never opens: {why}", "lower the stars its unlock needs")  # fmt: skip
