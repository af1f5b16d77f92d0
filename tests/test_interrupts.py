"""Atomic runs: interrupted, failing and concurrent runs never lose or half-write a run folder.

The interrupt tests signal REAL ``scenarios run`` processes while they write their temporary
``.nnmi_full45.tmp-*`` folder, after a first successful run of the same name.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import xarray as xr

from scenarios import api
from scenarios.results import write_run

NAME = "nnmi_full45"
# An ensemble this size computes for a second or two, then spends seconds writing the temporary
# folder (results.nc, plots, report): a wide window to signal it in.
SAMPLES = "2000"
ENV = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def scenarios_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "scenarios", *args]


def tree_hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder``, by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def strays(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def assert_complete(run_dir: Path) -> None:
    with xr.open_dataset(run_dir / "results.nc", engine="h5netcdf") as ds:
        assert ds["mva"].sizes["country"] > 0
        assert ds.attrs["scenario"] == NAME
    record = json.loads((run_dir / "manifest.json").read_text())
    assert record["scenario"] == NAME
    for name in ("metrics.csv", "summary.csv"):
        assert (run_dir / name).stat().st_size > 0


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, full45_run) -> Path:
    """A first successful run of the same name (what ``scenarios run nnmi_full45`` writes)."""
    out = tmp_path_factory.mktemp("first") / "runs"
    api.save(full45_run, out, plots=False)
    assert_complete(out / NAME)
    return out


def test_signals_mid_write_keep_the_previous_run(tmp_path, first_run):
    """SIGINT and SIGTERM (two real runs side by side), each sent while the run writes its
    temporary folder: exit 130, a short message, the previous run byte-for-byte, no stray folder."""
    runs = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        out = tmp_path / sig.name / "runs"
        shutil.copytree(first_run, out)
        proc = subprocess.Popen(
            scenarios_cmd("run", NAME, "--samples", SAMPLES, "--out", str(out)),
            env=ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        runs[sig] = (out, tree_hashes(out / NAME), proc)
    deadline = time.monotonic() + 240
    try:
        waiting = dict(runs)
        while waiting:
            for sig, (out, _, proc) in list(waiting.items()):
                if any(out.glob(f".{NAME}.tmp-*")):
                    proc.send_signal(sig)
                    del waiting[sig]
                else:
                    assert proc.poll() is None, (
                        f"the run ended before writing:\n{proc.communicate()[1]}"
                    )
            assert time.monotonic() < deadline, "no temporary folder appeared"
            time.sleep(0.005)
        for sig, (out, before, proc) in runs.items():
            stdout, stderr = proc.communicate(timeout=120)
            assert proc.returncode == 130, f"{sig.name}: exit {proc.returncode}\n{stdout}\n{stderr}"
            assert "Traceback" not in stderr + stdout, stderr
            assert "interrupted" in stderr, stderr
            assert tree_hashes(out / NAME) == before, f"{sig.name}: the previous run changed"
            assert strays(out) == [], f"{sig.name}: a temporary folder was left behind"
            assert sorted(p.name for p in out.iterdir()) == [NAME]
    finally:
        for _, _, proc in runs.values():
            if proc.poll() is None:
                proc.kill()
            proc.communicate()  # reap the process and close its pipes


@pytest.mark.parametrize("failing", ["write_json", "write_netcdf"])
@pytest.mark.parametrize(
    "error", [RuntimeError("disk on fire"), KeyboardInterrupt()], ids=["error", "ctrl-c"]
)
def test_exception_in_a_writer_keeps_the_previous_run(
    tmp_path, monkeypatch, full45_run, failing, error
):
    out = tmp_path / "runs"
    api.save(full45_run, out, plots=False)
    before = tree_hashes(out / NAME)

    def boom(*args, **kwargs):
        raise error

    monkeypatch.setattr(api, failing, boom)
    with pytest.raises(type(error)):
        api.save(full45_run, out, plots=False)
    assert tree_hashes(out / NAME) == before
    assert strays(out) == []


def test_failing_first_run_leaves_nothing(tmp_path, monkeypatch, full45_run):
    out = tmp_path / "runs"

    def boom(*args, **kwargs):
        raise OSError("no space left on device")

    monkeypatch.setattr(api, "write_json", boom)
    with pytest.raises(OSError):
        api.save(full45_run, out, plots=False)
    assert list(out.iterdir()) == []


def test_two_runs_of_the_same_name_at_once(tmp_path, first_run):
    """Both finish; one complete, readable run folder is left and no stray folders."""
    out = tmp_path / "runs"
    shutil.copytree(first_run, out)
    cmds = [
        scenarios_cmd("run", NAME, "--out", str(out), "--no-plots", "-q", *extra)
        for extra in ([], ["--samples", "50"])
    ]
    procs = [
        subprocess.Popen(cmd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for cmd in cmds
    ]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (stdout, stderr) in zip(procs, results, strict=True):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stdout + stderr
    assert sorted(p.name for p in out.iterdir()) == [NAME]
    assert_complete(out / NAME)
    n = json.loads((out / NAME / "manifest.json").read_text())["n_samples"]
    with xr.open_dataset(out / NAME / "results.nc", engine="h5netcdf") as ds:
        assert ds.sizes["sample"] == n  # results and manifest come from the same run


def test_concurrent_swaps_in_one_folder(tmp_path):
    """Writers of one name racing through the final swap: all succeed, one whole run is left."""
    out = tmp_path / "runs"
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def writer(i: int) -> None:
        def files(path: Path) -> None:
            barrier.wait()  # everyone reaches the swap together
            path.write_text(str(i) * 1000)

        try:
            for _ in range(10):
                write_run(out / "race", {"a.txt": lambda p: p.write_text(str(i)), "b.txt": files})
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()

    def run_all() -> None:
        threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

    run_all()
    assert errors == []
    assert sorted(p.name for p in out.iterdir()) == ["race"]
    a, b = (out / "race" / "a.txt").read_text(), (out / "race" / "b.txt").read_text()
    assert b == a * 1000  # both files from the same writer: never a mix


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the drop itself
def test_a_signal_dropped_by_a_finaliser_still_stops_the_run(tmp_path, monkeypatch):
    """SIGTERM handled inside an object's __del__ (where Python prints and drops the exception,
    as with a ZipFile collected while an xlsx is written): the run is still not moved into place."""
    from scenarios import signals
    from scenarios.results import write_run

    monkeypatch.setattr(signals, "_received", [])

    class Collected:
        def __del__(self):
            signals.interrupt(signal.SIGTERM, None)  # raises inside __del__: dropped

    def writer(path):
        Collected()  # collected at once; its KeyboardInterrupt is printed, not raised
        path.write_text("done")

    with pytest.raises(KeyboardInterrupt):
        write_run(tmp_path / "runs" / "x", {"file.txt": writer})
    assert list((tmp_path / "runs").iterdir()) == []


def test_a_signal_dropped_by_a_finaliser_is_recorded_without_a_traceback():
    """Python prints the KeyboardInterrupt a finaliser drops; the command line's handler records
    the signal and keeps stderr to its own one-line message, also when installed twice."""
    code = (
        "import signal\n"
        "from scenarios import signals\n"
        "signals.install(); signals.install()\n"
        "class Collected:\n"
        "    def __del__(self):\n"
        "        signals.interrupt(signal.SIGINT, None)\n"
        "Collected()\n"
        "class Broken:\n"
        "    def __del__(self):\n"
        "        raise ValueError('a real bug')\n"
        "Broken()\n"
        "print(signals._received)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout == "[<Signals.SIGINT: 2>]\n"  # recorded
    assert "KeyboardInterrupt" not in done.stderr
    assert "ValueError: a real bug" in done.stderr  # other dropped exceptions are still reported
