"""The one parser of source targets (``sensors.registry.parse_target``), as every source uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sensors.errors import SourceSpecError
from sensors.registry import SourceOptions, open_source, parse_params, parse_target


def test_trailing_key_values_are_parameters_in_the_order_written() -> None:
    head, params = parse_target("a,b.mp4,orientation=off,x=1", "video")
    assert head == "a,b.mp4"
    assert list(params.items()) == [("orientation", "off"), ("x", "1")]


def test_an_existing_file_is_taken_whole_even_with_commas_and_equals(tmp_path: Path) -> None:
    odd = tmp_path / "take,orientation=off.mp4"
    odd.write_bytes(b"")
    assert parse_target(str(odd), "video", {"orientation"}) == (str(odd), {})


def test_a_repeated_key_keeps_the_last_value() -> None:
    assert parse_target("0,orientation=off,orientation=upright", "webcam")[1] == {"orientation": "upright"}


def test_an_unknown_parameter_names_the_source_and_suggests_the_close_one() -> None:
    with pytest.raises(SourceSpecError) as e:
        parse_target("clip.mp4,orientaton=off", "video", {"orientation"}, "orientation=auto|upright|off")
    assert str(e.value) == (
        "source 'video': unknown parameter(s) orientaton; expected orientation=auto|upright|off; "
        "did you mean 'orientation'?"
    )


def test_an_empty_key_is_an_error() -> None:
    with pytest.raises(SourceSpecError, match="expected key=value"):
        parse_target("squat,=3", "synthetic")


def test_parse_params_splits_the_head_on_commas() -> None:
    assert parse_params("squat,tempo_s=2,view=side") == (["squat"], {"tempo_s": "2", "view": "side"})
    assert parse_params("") == ([], {})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("video:clip.mp4,orientaton=off", "source 'video': unknown parameter(s) orientaton"),
        ("image:pose.jpg,size=2", "source 'image': unknown parameter(s) size"),
        ("webcam:0,fps=30", "source 'webcam': unknown parameter(s) fps"),
        ("realsense:123,surface_ofset=typical", "source 'realsense': unknown parameter(s) surface_ofset"),
        ("realsense-file:a.db3,orient=off", "source 'realsense-file': unknown parameter(s) orient"),
    ],
)
def test_every_source_refuses_unknown_parameters_the_same_way(spec: str, message: str) -> None:
    with pytest.raises(SourceSpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        open_source(spec, SourceOptions())
