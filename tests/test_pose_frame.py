"""PoseFrame.with_changes: only the changed fields are checked; the frame stays immutable."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.pose import PoseFrame, TrackingState


def _frame() -> PoseFrame:
    return PoseFrame.empty(1.5, 3, (640, 480), tracking=TrackingState.TRACKED, meta={"a": 1})


def test_with_changes_replaces_and_freezes_the_changed_fields_and_shares_the_rest() -> None:
    f = _frame()
    xyz = np.zeros((33, 3))
    g = f.with_changes(camera_xyz_m=xyz, meta={"b": 2}, index=np.int64(4))
    assert g.camera_xyz_m is xyz
    assert not g.camera_xyz_m.flags.writeable
    assert g.image_xy_px is f.image_xy_px
    assert dict(g.meta) == {"b": 2}
    assert type(g.index) is int
    assert g.index == 4
    assert f.index == 3


def test_with_changes_rejects_a_wrong_shape_and_an_unknown_field() -> None:
    with pytest.raises(ValueError, match=r"camera_xyz_m: expected shape \(33, 3\)"):
        _frame().with_changes(camera_xyz_m=np.zeros((32, 3)))
    with pytest.raises(TypeError, match="no field"):
        _frame().with_changes(gravity=np.zeros(3))
