"""Which limbs a form fault is about, read from the exercise definition (pure: no pygame).

A rule measures a signal; the signal names its joints (``angle: [hip, knee,
ankle]``, ``side: mean``). The limbs at fault are the skeleton's bones whose
two ends are among those joints, after filling in the middle joint of a
limb the signal spans (a line from the shoulder to the ankle runs through
the knee). Tempo and symmetry rules (``rep.eccentric_s``...) are about the
primary signal's limbs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from exercises.events import Severity
from exercises.spec import ExerciseDefinition, SignalSpec
from sensors.joints import SKELETON_EDGES, Joint

#: the bones drawn (the face is drawn as the nose only; game.skeleton keeps the same list)
BODY_EDGES = tuple((a, b) for a, b in SKELETON_EDGES if a >= Joint.LEFT_SHOULDER and b >= Joint.LEFT_SHOULDER)

Edge = tuple[int, int]
#: fault level drawn on a limb: 1 a warning or hint (amber), 2 an error (red); 0 is a good limb
LEVELS: dict[Severity, int] = {Severity.INFO: 1, Severity.WARNING: 1, Severity.ERROR: 2}
#: (first, middle, last) joint names of the limbs: a signal naming both ends also means the middle
_LIMB_CHAINS = (
    ("shoulder", "elbow", "wrist"), ("hip", "knee", "ankle"), ("shoulder", "hip", "knee"),
    ("knee", "ankle", "foot_index"),
)  # fmt: skip
_SIDES = ("left", "right")


def signal_joints(spec: SignalSpec) -> frozenset[Joint]:
    """The joints a signal measures, expanded to the sides its ``side`` reads ("knee" -> LEFT_KNEE...)."""
    value = getattr(spec, spec.kind)
    names: list[str] = []
    for item in value:
        names.extend(item if isinstance(item, tuple) else (item,))
    sides = (spec.side,) if spec.side in _SIDES else _SIDES
    joints: set[Joint] = set()
    for name in names:
        for full in _expand(name, sides):
            joint = Joint.__members__.get(full.upper())
            if joint is not None:
                joints.add(joint)
    for side in _SIDES:  # a signal spanning a limb's two ends means the joint between them too
        for first, middle, last in _LIMB_CHAINS:
            ends = Joint[f"{side}_{first}".upper()], Joint[f"{side}_{last}".upper()]
            if ends[0] in joints and ends[1] in joints:
                joints.add(Joint[f"{side}_{middle}".upper()])
    return frozenset(joints)


def _expand(name: str, sides: tuple[str, ...]) -> list[str]:
    if name.startswith(("left_", "right_")) or f"left_{name}".upper() not in Joint.__members__:
        return [name]
    return [f"{side}_{name}" for side in sides]


def rule_edges(definition: ExerciseDefinition, rule_id: str) -> frozenset[Edge]:
    """The skeleton edges (joint index pairs of ``SKELETON_EDGES``) rule ``rule_id`` is about."""
    rule = next((r for r in definition.rules if r.id == rule_id), None)
    if rule is None:
        return frozenset()
    spec = definition.signals.get(rule.measure) or definition.signals.get(definition.primary_signal)
    if spec is None:
        return frozenset()
    joints = signal_joints(spec)
    # the bones across the body (shoulder to shoulder, hip to hip) only for a signal of the body's middle
    edges = [(a, b) for a, b in BODY_EDGES if spec.side == "mid" or not _across(a, b)]
    inside = frozenset((int(a), int(b)) for a, b in edges if a in joints and b in joints)
    if inside:
        return inside
    # joints with no bone between them (the ankles' distance): the limbs that end at them
    return frozenset((int(a), int(b)) for a, b in edges if a in joints or b in joints)


def _across(a: Joint, b: Joint) -> bool:
    return a.name.split("_", 1)[0] != b.name.split("_", 1)[0]


def limb_faults(definition: ExerciseDefinition, faults: Iterable[tuple[str, Severity]]) -> dict[Edge, int]:
    """Edge -> fault level (1 warning, 2 error) for ``(rule_id, severity)`` pairs; the worst level wins."""
    out: dict[Edge, int] = {}
    for rule_id, severity in faults:
        level = LEVELS.get(severity, 1)
        for edge in rule_edges(definition, rule_id):
            out[edge] = max(out.get(edge, 0), level)
    return out


def edge_level(faulty: Mapping[Edge, int], a: int, b: int) -> int:
    """The fault level of the bone a-b (either order); 0 for a good limb."""
    return faulty.get((a, b), 0) or faulty.get((b, a), 0)
