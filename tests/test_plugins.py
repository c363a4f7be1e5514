"""Third-party sensor backends found through the real ``repquest.sensors`` entry-point group.

Each test lays out a throwaway installed distribution (a module plus a
``NAME-0.1.dist-info`` folder with METADATA and entry_points.txt) in tmp_path,
puts it on PYTHONPATH and runs the installed ``repquest`` script, so discovery
goes through ``importlib.metadata`` exactly as after ``pip install``.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from sensors.checker import check_sensor
from sensors.contract import Capabilities, Sensor
from sensors.pose import PoseFrame
from sensors.recording import RecordingReader
from sensors.registry import SourceOptions, register, unregister

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = REPO_ROOT / "examples" / "repquest-sensor-example"

CONSTPOSE = '''
"""A throwaway backend: N frames of one constant pose."""
import numpy as np
from sensors import Capabilities, PoseFrame, Sensor


class ConstPose(Sensor):
    scheme = "constpose"

    def __init__(self, n):
        super().__init__()
        self.n, self.i = n, 0

    @property
    def capabilities(self):
        return Capabilities(nominal_fps=10.0)

    def _open(self):
        pass

    def _read(self, timeout_s):
        if self.i >= self.n:
            self._mark_ended()
            return None
        xy = np.tile([[100.0, 50.0]], (33, 1)) + np.arange(33)[:, None]
        frame = PoseFrame(t_s=self.i / 10, index=self.i, image_size_px=(320, 240), image_xy_px=xy,
                          camera_xyz_m=np.ones((33, 3)), world_xyz_m=np.zeros((33, 3)),
                          confidence=np.full(33, 0.75, np.float32), source=np.ones(33, np.uint8))
        self.i += 1
        return frame

    def _close(self):
        pass


def open_source(target, options):
    return ConstPose(int(target or 3))
'''


def install_dist(site: Path, name: str, entry_points: dict[str, str], modules: dict[str, str] | None = None) -> None:
    """Lay out an installed distribution ``name`` in ``site`` the way pip would."""
    for module, text in (modules or {}).items():
        (site / f"{module}.py").write_text(text)
    info = site / f"{name.replace('-', '_')}-0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    lines = [f"{scheme} = {target}" for scheme, target in entry_points.items()]
    (info / "entry_points.txt").write_text("[repquest.sensors]\n" + "\n".join(lines) + "\n")


def repquest(*args: str, paths: list[Path]) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("repquest")
    exe = str(script) if script.exists() else shutil.which("repquest") or "repquest"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in paths)}
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120, env=env)


def python(code: str, paths: list[Path]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(p) for p in paths)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)


@pytest.fixture
def constpose_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    install_dist(site, "rq-constpose", {"constpose": "rq_constpose:open_source"}, {"rq_constpose": CONSTPOSE})
    return site


def test_known_schemes_lists_an_installed_plugin(constpose_site: Path) -> None:
    done = python("from sensors.registry import known_schemes; print(known_schemes())", [constpose_site])
    assert done.returncode == 0, done.stderr
    assert "'constpose'" in done.stdout


def test_record_help_lists_an_installed_plugin(constpose_site: Path) -> None:
    done = repquest("record", "--help", paths=[constpose_site])
    assert done.returncode == 0
    assert "constpose" in done.stdout


def test_cli_records_from_a_plugin_scheme(constpose_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.rq"
    done = repquest("record", "--source", "constpose:5", "--out", str(out), paths=[constpose_site])
    assert done.returncode == 0, done.stderr
    assert "recorded 5 frames" in done.stdout
    reader = RecordingReader(out)
    assert reader.frames == 5
    assert reader.header["source"] == "constpose:5"
    frame = reader.frame(4)
    assert frame.image_xy_px[32].tolist() == [132.0, 82.0]
    assert frame.t_s == pytest.approx(0.4)
    reader.close()


def test_misspelt_plugin_scheme_suggests_it(constpose_site: Path, tmp_path: Path) -> None:
    done = repquest("record", "--source", "constpse:5", "--out", str(tmp_path / "c.rq"), paths=[constpose_site])
    assert done.returncode == 2
    assert done.stderr.strip().endswith("did you mean 'constpose'?")
    assert "Traceback" not in done.stderr


def test_plugin_whose_module_is_missing_is_one_line(tmp_path: Path) -> None:
    install_dist(tmp_path, "rq-broken", {"broken": "rq_not_there:open_source"})
    done = repquest("record", "--source", "broken:1", "--out", str(tmp_path / "b.rq"), paths=[tmp_path])
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1
    assert "source 'broken': cannot load its backend 'rq_not_there:open_source'" in done.stderr


# -- the example package in examples/ --------------------------------------------


def example_entry_points() -> dict[str, str]:
    pyproject = tomllib.loads((EXAMPLE / "pyproject.toml").read_text())
    return dict(pyproject["project"]["entry-points"]["repquest.sensors"])


def write_landmarks_csv(path: Path, frames: int) -> np.ndarray:
    """A CSV in MediaPipe's column layout; returns the (frames, 33, 4) values written."""
    rng = np.random.default_rng(3)
    values = rng.random((frames, 33, 4))
    values[1, 5, :] = np.nan  # joint 5 missing in frame 1
    header = ["frame"] + [f"{a}_{j}" for j in range(33) for a in ("x", "y", "z", "visibility")]
    rows = [",".join(header)]
    for i in range(frames):
        cells = ["" if np.isnan(v) else repr(float(v)) for v in values[i].ravel()]
        rows.append(",".join([str(i), *cells]))
    path.write_text("\n".join(rows) + "\n")
    return values


@pytest.fixture
def example_site(tmp_path: Path) -> list[Path]:
    site = tmp_path / "site"
    site.mkdir()
    install_dist(site, "repquest-sensor-example", example_entry_points())
    return [site, EXAMPLE / "src"]


def test_example_package_declares_the_landmarks_csv_scheme() -> None:
    assert example_entry_points() == {"landmarks-csv": "repquest_sensor_example:open_source"}


def test_example_backend_records_through_the_cli(example_site: list[Path], tmp_path: Path) -> None:
    values = write_landmarks_csv(tmp_path / "lm.csv", 6)
    out = tmp_path / "lm.rq"
    args = ("--source", f"landmarks-csv:{tmp_path / 'lm.csv'}", "--width", "1280", "--height", "720")
    done = repquest("record", *args, "--out", str(out), paths=example_site)
    assert done.returncode == 0, done.stderr
    reader = RecordingReader(out)
    assert reader.frames == 6
    frame = reader.frame(1)
    assert frame.image_size_px == (1280, 720)
    np.testing.assert_allclose(frame.image_xy_px[0], values[1, 0, :2] * (1280, 720))
    assert frame.source[5] == 0
    assert frame.confidence[5] == 0
    reader.close()


def test_example_backend_passes_the_conformance_checker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLE / "src"))
    from repquest_sensor_example import open_source

    write_landmarks_csv(tmp_path / "lm.csv", 12)
    check_sensor(lambda: open_source(str(tmp_path / "lm.csv"), SourceOptions()))


def test_example_backend_bad_csv_is_one_line(example_site: list[Path], tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("frame,x_0,y_0\n0,0.5,0.5\n")
    done = repquest(
        "record",
        "--source",
        f"landmarks-csv:{tmp_path / 'bad.csv'}",
        "--out",
        str(tmp_path / "b.rq"),
        paths=example_site,
    )
    assert done.returncode == 2
    assert done.stderr.strip().endswith("missing column 'z_0' (expected x_J, y_J, z_J, visibility_J for J=0..32)")


def test_example_backend_replays_a_real_landmark_file(
    shared_data: Path, example_site: list[Path], tmp_path: Path
) -> None:
    csv_path = shared_data / "datasets" / "squat_side_c.landmarks.csv"
    rows = csv_path.read_text().count("\n") - 1
    out = tmp_path / "real.rq"
    done = repquest("record", "--source", f"landmarks-csv:{csv_path}", "--out", str(out), paths=example_site)
    assert done.returncode == 0, done.stderr
    reader = RecordingReader(out)
    assert reader.frames == rows
    first = reader.frame(0)
    assert first.image_xy_px[0, 0] == pytest.approx(0.47957709431648254 * 640)
    reader.close()


# -- live (endless) sources: Ctrl-C and silence -----------------------------------

ENDLESS = (
    CONSTPOSE.replace("if self.i >= self.n:", "if False:")
    .replace(
        "return Capabilities(nominal_fps=10.0)", "return Capabilities(nominal_fps=100.0, is_live=True, is_finite=False)"
    )
    .replace("self.i += 1", "self.i += 1\n        import time; time.sleep(0.01)")
)


def _ctrl_c_as_in_a_terminal() -> None:
    """In the child before it starts: Ctrl-C's default action back. A shell starts a background job
    with SIGINT ignored and its children inherit that; a Python started so installs no
    KeyboardInterrupt handler: twice, in a suite run in the background, the recorder ignored the
    signal (its /proc status: SIGINT ignored) and this test timed out."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_finishes_the_recording_of_an_endless_source(tmp_path: Path) -> None:
    install_dist(tmp_path, "rq-endless", {"endless": "rq_endless:open_source"}, {"rq_endless": ENDLESS})
    script = Path(sys.executable).with_name("repquest")
    out = tmp_path / "e.rq"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.Popen(
        [str(script), "record", "--source", "endless:", "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_ctrl_c_as_in_a_terminal,
    )
    assert proc.stderr is not None
    assert "until Ctrl-C" in proc.stderr.readline()
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    try:
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()  # no recorder left running if it did not stop
    assert proc.returncode == 0, stderr
    assert "(stopped by Ctrl-C)" in stdout
    reader = RecordingReader(out)  # finished properly: it validates
    assert reader.frames > 0
    reader.close()


class Silent(Sensor):
    """A live source that never delivers a frame."""

    scheme = "silent"

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities(is_live=True, is_finite=False)

    def _open(self) -> None:
        pass

    def _read(self, timeout_s: float | None) -> PoseFrame | None:
        time.sleep(timeout_s or 0.0)
        return None

    def _close(self) -> None:
        pass


def test_a_source_that_sends_nothing_times_out_with_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    register("silent", lambda target, options: Silent())
    try:
        code = main(["record", "--source", "silent:", "--out", str(tmp_path / "s.rq"), "--timeout", "0.3"])
    finally:
        unregister("silent")
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip().splitlines()[-1] == "repquest record: error: silent: no frame for 0.3 s (unplugged or busy?)"
