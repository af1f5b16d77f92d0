"""The user paths of a plain ``pip install .``, run as a user runs them.

Run from a virtual environment that holds only the package: ``python .ci/smoke.py``. Each check
runs the ``scenarios`` command in a fresh folder and looks at its exit code, its files and its
error output; the last line counts what passed and failed.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SCENARIOS = str(Path(sys.executable).with_name("scenarios"))
BAD_CONFIG = "name: bad\nextends: baseline\nimpact:\n  rhoo: 0.3\n"


def scenarios(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([SCENARIOS, *args], cwd=cwd, capture_output=True, text=True, timeout=1800)


def interrupted(args: list[str], cwd: Path, after: float) -> subprocess.CompletedProcess[str]:
    """The command, sent SIGINT (Ctrl-C) ``after`` seconds from its start."""
    process = subprocess.Popen(
        [SCENARIOS, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    time.sleep(after)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def expect(result: subprocess.CompletedProcess[str], code: int, *, one_line: bool = False) -> str:
    """Problems with a finished command: wrong exit code, a traceback, more than one line."""
    problems = []
    if result.returncode != code:
        problems.append(f"exit {result.returncode}, expected {code}")
    if "Traceback" in result.stderr or "Traceback" in result.stdout:
        problems.append("a traceback")
    if one_line and len(result.stderr.strip().splitlines()) != 1:
        problems.append(f"{len(result.stderr.strip().splitlines())} lines on stderr, expected 1")
    if problems:
        return "; ".join(problems) + f"\n--- stderr ---\n{result.stderr[-3000:]}"
    return ""


def main_job(cwd: Path) -> str:
    problem = expect(scenarios("run", "nnmi_full45", cwd=cwd), 0)
    folder = cwd / "runs" / "nnmi_full45"
    missing = [
        f
        for f in ("results.nc", "metrics.csv", "report.html", "manifest.json")
        if not (folder / f).is_file()
    ]
    return problem or (f"missing in {folder}: {missing}" if missing else "")


def million_sample_ensemble(cwd: Path) -> str:
    result = scenarios(
        "run", "baseline", "--samples", "1000000", "--seed", "1", "--no-plots", cwd=cwd
    )
    problem = expect(result, 0)
    written = list((cwd / "runs" / "baseline").glob("results.*"))
    return problem or ("" if written else "no results file in runs/baseline")


def bad_config(cwd: Path) -> str:
    (cwd / "bad.yaml").write_text(BAD_CONFIG, encoding="utf-8")
    result = scenarios("run", "bad.yaml", cwd=cwd)
    problem = expect(result, 2)
    return problem or (
        "" if "rhoo" in result.stderr else f"the message does not name the key:\n{result.stderr}"
    )


def bad_option(cwd: Path) -> str:
    return expect(scenarios("run", "baseline", "--samples", "abc", cwd=cwd), 2)


def unknown_command(cwd: Path) -> str:
    return expect(scenarios("frobnicate", cwd=cwd), 2)


def ctrl_c_during_start_up(cwd: Path) -> str:
    return expect(interrupted(["run", "nnmi_full45"], cwd, after=0.2), 130, one_line=True)


def ctrl_c_mid_run(cwd: Path) -> str:
    result = interrupted(["run", "baseline", "--samples", "300000", "--seed", "1"], cwd, after=4.0)
    problem = expect(result, 130, one_line=True)
    left = [p.name for p in (cwd / "runs").glob("*")] if (cwd / "runs").exists() else []
    return problem or (f"left behind in runs/: {left}" if left else "")


CHECKS: list[Callable[[Path], str]] = [
    main_job,
    million_sample_ensemble,
    bad_config,
    bad_option,
    unknown_command,
    ctrl_c_during_start_up,
    ctrl_c_mid_run,
]


def main() -> int:
    failed = 0
    for check in CHECKS:
        with tempfile.TemporaryDirectory() as folder:
            start = time.perf_counter()
            problem = check(Path(folder))
            seconds = time.perf_counter() - start
        failed += bool(problem)
        print(f"{'FAIL' if problem else 'ok  '} {check.__name__} ({seconds:.1f} s)", flush=True)
        if problem:
            print("    " + problem.replace("\n", "\n    "), flush=True)
    print(f"smoke: {len(CHECKS) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
