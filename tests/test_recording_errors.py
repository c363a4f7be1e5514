"""A broken or foreign file given as a recording fails at open with one line naming the file and the problem."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from sensors.errors import RecordingError, SensorError, SourceUnavailable
from sensors.recording import format as fmt
from sensors.registry import open_source
from tests.recording_helpers import make_frames, write_recording


def open_error(path: Path) -> SensorError:
    with pytest.raises(SensorError) as e:
        open_source(f"recording:{path}")
    message = str(e.value)
    assert "\n" not in message
    assert str(path) in message
    return e.value


def good(tmp_path: Path, n: int = 5) -> tuple[Path, bytes]:
    path = write_recording(tmp_path / "good.rq", make_frames(n))
    return path, path.read_bytes()


def frame_offsets(data: bytes) -> list[int]:
    """Byte offset of every record, from the file's own framing."""
    header_len = fmt.PREAMBLE.unpack_from(data)[3]
    pos, out = fmt.PREAMBLE.size + header_len, []
    while pos < len(data):
        out.append(pos)
        pos += fmt.RECORD.size + fmt.RECORD.unpack_from(data, pos)[1]
    return out


def test_missing_file(tmp_path: Path) -> None:
    e = open_error(tmp_path / "nope.rq")
    assert isinstance(e, SourceUnavailable)
    assert "no such file" in str(e)


def test_folder(tmp_path: Path) -> None:
    e = open_error(tmp_path)
    assert isinstance(e, SourceUnavailable)
    assert "is a folder" in str(e)


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.rq").write_bytes(b"")
    e = open_error(tmp_path / "e.rq")
    assert isinstance(e, RecordingError)
    assert "empty file" in str(e)


def test_text_file(tmp_path: Path) -> None:
    (tmp_path / "notes.rq").write_text("squat 3x10\nlunges\n")
    assert "a text file, not a RepQuest pose recording" in str(open_error(tmp_path / "notes.rq"))


def test_image_file(tmp_path: Path) -> None:
    cv2.imwrite(str(tmp_path / "pic.png"), np.zeros((8, 8, 3), np.uint8))
    assert "an image file" in str(open_error(tmp_path / "pic.png"))


def test_binary_file_that_is_not_a_recording(tmp_path: Path) -> None:
    (tmp_path / "x.bin").write_bytes(bytes(range(256)))
    assert "not a RepQuest pose recording" in str(open_error(tmp_path / "x.bin"))


def test_file_cut_inside_the_magic(tmp_path: Path) -> None:
    (tmp_path / "x.rq").write_bytes(fmt.MAGIC[:5])
    assert "truncated inside the file header" in str(open_error(tmp_path / "x.rq"))


def test_wrong_version(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    path.write_bytes(data[:8] + struct.pack("<H", 99) + data[10:])
    message = str(open_error(path))
    assert "format version 99, this RepQuest reads versions 1 and 2" in message
    assert "upgrade" in message


def test_corrupt_json_header(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    i = fmt.PREAMBLE.size + 3
    path.write_bytes(data[:i] + bytes([data[i] ^ 0x20]) + data[i + 1 :])
    assert "JSON header is corrupt (checksum mismatch)" in str(open_error(path))


def test_truncated_inside_a_frame_names_the_frame_and_missing_bytes(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    start = frame_offsets(data)[3]
    cut = start + 100
    frame_end = start + fmt.RECORD.size + fmt.RECORD.unpack_from(data, start)[1]
    path.write_bytes(data[:cut])
    assert f"truncated at frame 3 (expected {frame_end - cut:,} more bytes)" in str(open_error(path))


def test_truncated_inside_a_record_header(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    path.write_bytes(data[: frame_offsets(data)[2] + 5])
    assert "truncated at frame 2 (expected at least 7 more bytes)" in str(open_error(path))


def test_missing_end_record_means_the_recorder_did_not_finish(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    path.write_bytes(data[: frame_offsets(data)[-1]])
    assert "truncated after frame 5: the end record is missing" in str(open_error(path))


def test_flipped_byte_in_a_frame_is_a_checksum_error(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    i = frame_offsets(data)[2] + fmt.RECORD.size + 60
    path.write_bytes(data[:i] + bytes([data[i] ^ 0x01]) + data[i + 1 :])
    assert "frame 2 is corrupt (checksum mismatch" in str(open_error(path))


def test_garbage_record_tag_is_a_corrupt_header(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    i = frame_offsets(data)[1]
    path.write_bytes(data[:i] + b"JUNK" + data[i + 4 :])
    assert "corrupt record header at frame 1" in str(open_error(path))


def test_bytes_after_the_end_record(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    path.write_bytes(data + b"extra")
    assert "5 unexpected bytes after the end record" in str(open_error(path))


def test_two_recordings_glued_together(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    path.write_bytes(data + data)
    assert "unexpected bytes after the end record" in str(open_error(path))


def test_end_record_that_miscounts_the_frames(tmp_path: Path) -> None:
    path, data = good(tmp_path)
    end = frame_offsets(data)[-1]
    payload = b'{"frames": 9, "duration_s": 0.1}'
    path.write_bytes(data[:end] + fmt.RECORD.pack(fmt.TAG_END, len(payload), zlib.crc32(payload)) + payload)
    assert "the end record counts 9 frames, the file holds 5" in str(open_error(path))
